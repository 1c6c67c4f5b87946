/**
 * Provider names → one normalised name per provider, the OTel GenAI well-known values of
 * gen_ai.provider.name where one exists (openai, anthropic, aws.bedrock, azure.ai.openai,
 * azure.ai.inference, gcp.vertex_ai, gcp.gemini, gcp.gen_ai, cohere, mistral_ai, groq, deepseek,
 * x_ai, perplexity, ibm.watsonx.ai). Senders use older gen_ai.system values, OpenInference's
 * llm.provider words and the Vercel AI SDK's "<provider>.<api>" ids (openai.responses, …).
 * Unknown names pass through lowercased and trimmed.
 */
const ALIASES = new Map<string, string>(Object.entries({
  openai: "openai",
  "azure.ai.openai": "azure.ai.openai",
  "az.ai.openai": "azure.ai.openai",
  azure_openai: "azure.ai.openai",
  "azure-openai": "azure.ai.openai",
  azureopenai: "azure.ai.openai",
  azure: "azure.ai.openai",
  "azure.ai.inference": "azure.ai.inference",
  "az.ai.inference": "azure.ai.inference",
  anthropic: "anthropic",
  "aws.bedrock": "aws.bedrock",
  bedrock: "aws.bedrock",
  "amazon-bedrock": "aws.bedrock",
  amazon_bedrock: "aws.bedrock",
  aws: "aws.bedrock",
  "gcp.vertex_ai": "gcp.vertex_ai",
  vertex_ai: "gcp.vertex_ai",
  vertexai: "gcp.vertex_ai",
  "google.vertex": "gcp.vertex_ai",
  "google-vertex": "gcp.vertex_ai",
  "gcp.gemini": "gcp.gemini",
  gemini: "gcp.gemini",
  "google.generative-ai": "gcp.gemini",
  google_genai: "gcp.gemini",
  "google-genai": "gcp.gemini",
  "gcp.gen_ai": "gcp.gen_ai",
  google: "gcp.gen_ai",
  cohere: "cohere",
  mistral_ai: "mistral_ai",
  mistralai: "mistral_ai",
  mistral: "mistral_ai",
  groq: "groq",
  ollama: "ollama",
  deepseek: "deepseek",
  x_ai: "x_ai",
  xai: "x_ai",
  perplexity: "perplexity",
  "ibm.watsonx.ai": "ibm.watsonx.ai",
  watsonx: "ibm.watsonx.ai",
  together: "together",
  togetherai: "together",
  "together.ai": "together",
  fireworks: "fireworks",
  openrouter: "openrouter",
  huggingface: "huggingface",
}));

/** The Vercel AI SDK names providers "<provider>.<api>" (openai.chat, google.vertex.chat): drop the api segments. */
export function normalizeProvider(name: string): string | undefined {
  const key = name.trim().toLowerCase();
  if (!key) return undefined;
  let candidate = key;
  for (;;) {
    const known = ALIASES.get(candidate);
    if (known !== undefined) return known;
    const dot = candidate.lastIndexOf(".");
    if (dot <= 0) return key;
    candidate = candidate.slice(0, dot);
  }
}

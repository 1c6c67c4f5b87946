/**
 * The gen_ai.provider.name of a LangChain model: the `ls_provider` its integration declares in
 * the run metadata (ChatOpenAI → "openai", ChatAnthropic → "anthropic", …), else its class name
 * (the last element of its serialized id), mapped to the conventions' well-known values.
 * Anything unknown is passed on in lower case.
 */
const ALIASES: Record<string, string> = {
  openai: "openai",
  azure: "azure.ai.openai",
  azure_openai: "azure.ai.openai",
  azureopenai: "azure.ai.openai",
  azure_ai: "azure.ai.inference",
  anthropic: "anthropic",
  google: "gcp.gen_ai",
  google_genai: "gcp.gemini",
  googlegenerativeai: "gcp.gemini",
  gemini: "gcp.gemini",
  google_vertexai: "gcp.vertex_ai",
  vertexai: "gcp.vertex_ai",
  google_anthropic_vertex: "gcp.vertex_ai",
  bedrock: "aws.bedrock",
  amazon_bedrock: "aws.bedrock",
  bedrockconverse: "aws.bedrock",
  bedrock_converse: "aws.bedrock",
  mistral: "mistral_ai",
  mistralai: "mistral_ai",
  groq: "groq",
  cohere: "cohere",
  deepseek: "deepseek",
  xai: "x_ai",
  perplexity: "perplexity",
  watsonx: "ibm.watsonx.ai",
  ibm: "ibm.watsonx.ai",
  ollama: "ollama",
  together: "together_ai",
  togetherai: "together_ai",
  fireworks: "fireworks",
};

export function providerOf(lsProvider: unknown, className: string | undefined): string | undefined {
  if (typeof lsProvider === "string" && lsProvider !== "") return normalize(lsProvider);
  if (!className) return undefined;
  if (/azure/i.test(className) && /openai/i.test(className)) return "azure.ai.openai";
  return normalize(className.replace(/^Chat/, "").replace(/(Chat|LLM|Embeddings)$/, ""));
}

function normalize(name: string): string {
  const key = name.trim().toLowerCase();
  return ALIASES[key] ?? ALIASES[key.replace(/[\s_-]/g, "")] ?? key;
}

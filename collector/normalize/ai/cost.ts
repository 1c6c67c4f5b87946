import type { AiFields, AiUsage } from "./ai-fields.ts";
import type { ModelPrice, PriceTable } from "./price-table.ts";

/**
 * Derived cost in USD from token usage and the price table (docs/cost.md). Only called when the
 * span states no cost of its own (llm.cost.*, operation.cost win as costSource "span").
 *
 * The model is looked up as answered (response model), then as requested; the first table entry
 * whose pattern matches wins. Then
 *   cost = uncached input × input + cache read × cacheRead + cache write × cacheWrite
 *        + output × output (reasoning tokens at the reasoning price where the table has one)
 * with cache tokens priced at the input price where the table has no cache price.
 */
export function priceTableCost(fields: AiFields, table: PriceTable): number | undefined {
  const usage = fields.usage;
  if (usage === undefined) return undefined;
  const price = findPrice(table, fields.responseModel) ?? findPrice(table, fields.requestModel);
  if (price === undefined) return undefined;
  const cost = costOf(usage, price, fields.provider, fields.responseModel ?? fields.requestModel);
  // Sub-picodollar float noise (0.000075000000000001) helps no one.
  return cost === undefined ? undefined : Math.round(cost * 1e12) / 1e12;
}

function findPrice(table: PriceTable, model: string | undefined): ModelPrice | undefined {
  return model === undefined ? undefined : table.find(model);
}

export function costOf(usage: AiUsage, price: ModelPrice, provider: string | undefined, model: string | undefined): number | undefined {
  const input = usage.inputTokens;
  const output = usage.outputTokens;
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const reasoning = usage.reasoningTokens ?? 0;
  const included = inputIncludesCache(usage, provider, model);
  if (price.input === undefined || price.output === undefined) {
    // Priced per token of any kind (embeddings, old completion models).
    if (price.total === undefined) return undefined;
    const tokens = usage.totalTokens ?? (input === undefined && output === undefined ? undefined : (input ?? 0) + (output ?? 0) + (included ? 0 : cacheRead + cacheWrite));
    return tokens === undefined ? undefined : tokens * price.total;
  }
  if (input === undefined && output === undefined && cacheRead + cacheWrite + reasoning === 0) return undefined;
  const uncached = input === undefined ? 0 : included ? Math.max(0, input - cacheRead - cacheWrite) : input;
  const inputCost = uncached * price.input + cacheRead * (price.cacheRead ?? price.input) + cacheWrite * (price.cacheWrite ?? price.input);
  // Reasoning tokens are part of the output count (OpenAI, the OTel conventions) unless they cannot be.
  const reasoningInOutput = output !== undefined && reasoning <= output;
  const outputCount = output ?? 0;
  const outputCost =
    price.reasoning === undefined
      ? (outputCount + (reasoningInOutput ? 0 : reasoning)) * price.output
      : (outputCount - (reasoningInOutput ? reasoning : 0)) * price.output + reasoning * price.reasoning;
  return inputCost + outputCost;
}

/**
 * Whether inputTokens already counts the cache tokens. OpenAI, Gemini and the current OTel
 * conventions count them inside the input; Anthropic (and Bedrock) report them beside it. In order:
 * 1. cache tokens above the input count cannot be inside it → separate;
 * 2. what the dialect stated (usage.inputIncludesCache);
 * 3. a total equal to input + output + cache can only mean separate;
 * 4. the provider: anthropic, aws.bedrock and any Claude model → separate; everyone else → included.
 */
export function inputIncludesCache(usage: AiUsage, provider: string | undefined, model: string | undefined): boolean {
  const cache = (usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0);
  if (cache === 0) return true;
  const { inputTokens: input, outputTokens: output, totalTokens: total } = usage;
  if (input !== undefined && cache > input) return false;
  if (usage.inputIncludesCache !== undefined) return usage.inputIncludesCache;
  if (total !== undefined && input !== undefined && output !== undefined && total === input + output + cache) return false;
  return !(provider === "anthropic" || provider === "aws.bedrock" || /claude/i.test(model ?? ""));
}

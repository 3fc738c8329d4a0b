// Stand-in for core's tokenizer/html-entities.ts, so the size bench can tell what the table costs.
export function html5Entities(): ReadonlyMap<string, string> {
  return new Map();
}

/**
 * Test helper: a minimal markup well-formedness check (tags opened and closed in order). Not a
 * parser; enough to catch a missing close tag or text that broke out of escaping.
 */

/** Problems found, empty when every opened tag is closed in order. */
export function unbalancedTags(markup: string, voidTags: readonly string[] = []): string[] {
  const stack: string[] = [];
  const problems: string[] = [];
  for (const match of markup.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (selfClosing === '/' || voidTags.includes(name.toLowerCase())) continue;
    if (closing === '') stack.push(name);
    else if (stack.pop() !== name) problems.push(`unexpected </${name}>`);
  }
  return problems.concat(stack.map((name) => `unclosed <${name}>`));
}

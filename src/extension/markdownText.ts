/** Makes untrusted text (telemetry: span names, attributes, error messages) inert inside a Markdown hover. */

/**
 * Backslash-escapes every ASCII punctuation character (CommonMark allows it for all of them), so no link, image,
 * emphasis, HTML or table syntax survives; newlines become spaces so one value cannot start a new block.
 */
export function escapeMarkdown(text: string, maxLength = 200): string {
  const oneLine = text.replace(/[\r\n\t\u2028\u2029]+/g, ' ');
  const clipped = oneLine.length > maxLength ? `${oneLine.slice(0, maxLength - 1)}…` : oneLine;
  return clipped.replace(/[!-/:-@[-`{-~]/g, (char) => `\\${char}`);
}

/** A `command:` link target with JSON arguments, as VS Code expects in trusted Markdown. */
export function commandUri(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

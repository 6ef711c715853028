import { z } from "zod";

/**
 * The one text policy for everything a client sends, applied in the shared schemas so the server
 * and the browser's forms agree:
 * - strings are normalized to Unicode NFC (so "é" typed two ways is one string);
 * - C0 control characters (U+0000-U+001F) and DEL (U+007F) are refused, naming the field; free text
 *   (descriptions) may hold tab, line feed and carriage return;
 * - names and titles are trimmed of white space and invisible characters, and must keep a visible
 *   character.
 */

// C0 controls and DEL; free text allows \t \n \r. Matching control characters is the point here.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the policy refuses exactly these
const controlInLine = /[\u0000-\u001f\u007f]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the policy refuses exactly these
const controlInText = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u;

/**
 * Characters that show nothing: format characters (Unicode category Cf: zero-width space and
 * joiners, bidi marks, BOM, soft hyphen, word joiner), the variation selectors, the combining
 * grapheme joiner and the Hangul fillers. Together with white space (\s) they cannot make a name.
 */
// biome-ignore lint/suspicious/noMisleadingCharacterClass: U+034F is listed alone, on purpose
const invisible = /[\p{Cf}\u034f\u115f\u1160\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;
const edges = new RegExp(`^(?:\\s|${invisible.source})+|(?:\\s|${invisible.source})+$`, "gu");

/** The text without leading and trailing white space and invisible characters. */
export function trimInvisible(text: string): string {
  return text.replace(edges, "");
}

/** The first control character in a text, as U+XXXX, or null. */
function controlCharacter(text: string, pattern: RegExp): string | null {
  const found = pattern.exec(text);
  return found ? `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}` : null;
}

function refuseControls(pattern: RegExp): (text: string, ctx: z.core.$RefinementCtx<string>) => void {
  return (text: string, ctx: z.core.$RefinementCtx<string>) => {
    const found = controlCharacter(text, pattern);
    if (found) ctx.addIssue({ code: "custom", message: `must not contain control characters (${found})` });
  };
}

/** A refinement for string formats (URLs): no control characters. */
export const noControlCharacters = refuseControls(controlInLine);

/** One line of text (a URL, a key, a search): NFC, no control characters, at most `max` characters. */
export function lineText(max: number) {
  return z.string().superRefine(refuseControls(controlInLine)).normalize("NFC").max(max);
}

/** Free text (a description): NFC; tab, line feed and carriage return allowed, other controls not. */
export function freeText(max: number) {
  return z.string().superRefine(refuseControls(controlInText)).normalize("NFC").max(max);
}

/** A title or name: one line, NFC, trimmed of white space and invisible characters, not empty. */
export function nameText(max: number) {
  return z
    .string()
    .superRefine(refuseControls(controlInLine))
    .normalize("NFC")
    .overwrite(trimInvisible)
    .min(1)
    .max(max);
}

/**
 * The key under which names are unique per user: NFC, then Unicode lower case (locale-independent),
 * so "Work", "work" and "WORK" (and "É" typed two ways) are one name.
 */
export function nameKey(name: string): string {
  return name.normalize("NFC").toLowerCase();
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * The text cut to at most `max` UTF-16 code units on a grapheme-cluster boundary (UAX #29, through
 * Intl.Segmenter), ending with "…" when cut: an emoji or an accented letter is never split.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (const { segment, index } of segmenter.segment(text)) {
    if (index + segment.length > max - 1) break;
    end = index + segment.length;
  }
  return `${text.slice(0, end)}…`;
}

/**
 * The text cut to at most `maxBytes` bytes of UTF-8 on a grapheme-cluster boundary, ending with "…"
 * when cut (for byte-limited payloads such as web push).
 */
export function clipUtf8(text: string, maxBytes: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= maxBytes) return text;
  const budget = maxBytes - 3; // "…" is 3 bytes
  let end = 0;
  let bytes = 0;
  for (const { segment, index } of segmenter.segment(text)) {
    const size = encoder.encode(segment).length;
    if (bytes + size > budget) break;
    bytes += size;
    end = index + segment.length;
  }
  return `${text.slice(0, end)}…`;
}

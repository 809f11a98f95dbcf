/**
 * Hand-written notes: `content/notes/<id>.md`, relative to the working directory (the project
 * root `convlens build` runs in). The Markdown source goes into report.json as it is; the site
 * renders it without ever passing HTML through (site/markdown.ts).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Where an experiment's notes live, relative to the working directory. */
export function notesPath(id: string): string {
  return join('content', 'notes', `${id}.md`);
}

/** The notes of experiment `id` (resolved against `cwd`), or undefined when there is no such file or it is blank. */
export async function readNotes(id: string, cwd: string = process.cwd()): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, notesPath(id)), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
  // A byte-order mark from some editors is not part of the text.
  const notes = text.replace(/^\uFEFF/, '');
  return notes.trim() === '' ? undefined : notes;
}

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notesPath, readNotes } from '../../../src/pipeline/publish-notes.ts';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-notes-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('readNotes', () => {
  it('reads content/notes/<id>.md relative to the working directory, as written', async () => {
    const dir = project({ 'content/notes/fashion.md': '# Notes\n\n<script>kept as source</script>\n' });
    expect(notesPath('fashion')).toBe(join('content', 'notes', 'fashion.md'));
    expect(await readNotes('fashion', dir)).toBe('# Notes\n\n<script>kept as source</script>\n');
  });

  it('is undefined without a notes file, or for a blank one', async () => {
    const dir = project({ 'content/notes/blank.md': ' \n\n' });
    expect(await readNotes('absent', dir)).toBeUndefined();
    expect(await readNotes('blank', dir)).toBeUndefined();
    expect(await readNotes('x', join(dir, 'no-such-dir'))).toBeUndefined();
  });

  it('drops a byte-order mark', async () => {
    expect(await readNotes('bom', project({ 'content/notes/bom.md': '\uFEFFhello' }))).toBe('hello');
  });
});

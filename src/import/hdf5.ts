/**
 * Reading HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly), fenced so that a
 * truncated or damaged file is a UserError and never a crash or a page of C diagnostics.
 *
 * h5wasm's Node build opens real paths (Emscripten's NODERAWFS), so the bytes convlens already
 * read (and hashed) are written to a private temporary file and opened from there: the digest
 * and the parse see the same bytes, and an HDF5 held in memory (inside a zip) opens the same
 * way. HDF5's own error printing is replaced by exceptions (`activate_throwing_error_handler`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { UserError } from '../lib/errors.ts';

let ready: Promise<void> | undefined;

/** Start h5wasm once, with HDF5's errors thrown rather than printed. */
function init(): Promise<void> {
  ready ??= h5wasm.ready.then((module) => {
    module.activate_throwing_error_handler();
  });
  return ready;
}

/** The most specific line of an HDF5 error stack ("truncated file: eof = …"), else the message. */
export function hdf5Detail(error: unknown): string {
  const text = String((error as Error)?.message ?? error);
  const lines = [...text.matchAll(/#\d+:.* in [\w.]+\(\): (.*)$/gm)].map((m) => m[1]!.trim());
  return (lines[lines.length - 1] ?? text.split('\n')[0] ?? 'unknown error').slice(0, 200);
}

/** One dataset's shape and type, its values read on demand. */
export interface H5Dataset {
  shape: number[];
  dtype: string;
  read(): Float32Array | undefined;
}

/** A read-only HDF5 file. Every call may throw UserError(corrupt(detail)). */
export interface H5File {
  /** An attribute's value (strings as strings, string arrays as arrays), undefined when absent. */
  attr(objectPath: string, name: string): unknown;
  /** Member names of a group, undefined when it is not a group. */
  keys(groupPath: string): string[] | undefined;
  dataset(path: string): H5Dataset | undefined;
  close(): void;
}

/** Open `bytes` as HDF5; `corrupt` turns an HDF5 failure's detail into the user's message. */
export async function openHdf5(bytes: Uint8Array, corrupt: (detail: string) => string): Promise<H5File> {
  await init();
  const fence = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(corrupt(hdf5Detail(error)));
    }
  };
  const dir = mkdtempSync(join(tmpdir(), 'convlens-h5-'));
  const file = join(dir, 'model.h5');
  let h5: InstanceType<typeof h5wasm.File>;
  try {
    writeFileSync(file, bytes);
    h5 = fence(() => new h5wasm.File(file, 'r'));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const get = (p: string) => fence(() => (p === '/' || p === '' ? h5 : h5.get(p)));
  return {
    attr: (objectPath, name) =>
      fence(() => {
        const obj = get(objectPath) as { attrs?: Record<string, { value: unknown }> } | null;
        const attr = obj?.attrs?.[name];
        if (!attr) return undefined;
        const value = attr.value;
        return value instanceof Uint8Array ? new TextDecoder().decode(value) : value;
      }),
    keys: (groupPath) =>
      fence(() => {
        const obj = get(groupPath);
        return obj instanceof h5wasm.Group ? obj.keys() : undefined;
      }),
    dataset: (path) =>
      fence(() => {
        const obj = get(path);
        if (!(obj instanceof h5wasm.Dataset)) return undefined;
        const shape = obj.shape ?? [];
        const dtype = String(obj.dtype);
        return {
          shape,
          dtype,
          read: () =>
            fence(() => {
              if (!/^[<>]?[fde]$/.test(dtype)) return undefined;
              const value = obj.value as ArrayLike<number> | number;
              return typeof value === 'number' ? Float32Array.of(value) : Float32Array.from(value);
            }),
        };
      }),
    close: () => {
      try {
        h5.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

// Turning the owner's picked files into labelled raw pixels, in the browser: a folder with one sub-folder per class
// (ImageFolderReader's layout: class names are the sub-folder names in ordinal order, .png/.jpg/.jpeg/.bmp files in
// ordinal name order, names starting with '.' and deeper sub-folders ignored), or loose image files that all get one
// chosen class. Decoding keeps pixels only (EXIF, GPS and every other metadata stay in the file), then resample.ts
// makes the project's CHW shape exactly as the CLI does. Cut-off and oversized files are refused first (imageCheck.ts).
import { checkImage } from './imageCheck';
import { resizeRgba } from './resample';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.bmp'];
/** ImageLoadOptions' defaults. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_PIXELS = 40_000_000;

export interface ImageEntry {
  file: Blob;
  /** The path shown in messages (folder-relative when picked as a folder). */
  path: string;
  label: number;
}

export interface ImageFailure {
  path: string;
  reason: string;
}

/** A picked file: a File, or anything with a name, an optional folder-relative path and a Blob (tests). */
export interface PickedFile {
  name: string;
  webkitRelativePath?: string;
  blob: Blob;
}

export function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return !name.startsWith('.') && IMAGE_EXTENSIONS.some(ext => lower.endsWith(ext));
}

const ordinal = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Groups the files of a picked folder (`<input webkitdirectory>`: paths `root/class/file`) into classes. Files directly
 * in the root, in deeper folders, hidden or with other extensions are skipped, as the CLI skips them.
 */
export function groupFolder(files: PickedFile[]): { classNames: string[]; entries: ImageEntry[] } {
  const byClass = new Map<string, PickedFile[]>();
  for (const f of files) {
    const parts = (f.webkitRelativePath || f.name).split('/');
    if (parts.length !== 3) continue;
    const [, folder, name] = parts as [string, string, string];
    if (folder.startsWith('.') || !isImageName(name)) continue;
    byClass.set(folder, [...(byClass.get(folder) ?? []), f]);
  }
  const classNames = [...byClass.keys()].sort(ordinal);
  const entries: ImageEntry[] = [];
  classNames.forEach((folder, label) => {
    const sorted = [...byClass.get(folder)!].sort((a, b) => ordinal(a.name, b.name));
    for (const f of sorted) entries.push({ file: f.blob, path: f.webkitRelativePath || f.name, label });
  });
  return { classNames, entries };
}

const grouped = (n: number) => n.toLocaleString('en-US');

/** "it is too large (W×H pixels; the limit is N pixels)." — the CLI's words for the same limit. */
export function tooManyPixels(width: number, height: number): string {
  return `it is too large (${width}×${height} pixels; the limit is ${grouped(MAX_PIXELS)} pixels).`;
}

/**
 * Decodes one image file to channels×height×width floats 0..255 (browser or worker: createImageBitmap and an
 * OffscreenCanvas). Throws an Error whose message says why the file cannot be used. The file's structure and its
 * header's size are checked first (imageCheck.ts): the browser decodes a cut-off file to a partly grey image.
 */
export async function decodeImage(file: Blob, channels: 1 | 3, height: number, width: number, destination: Float32Array): Promise<void> {
  if (file.size > MAX_FILE_BYTES) throw new Error(`it is too large (${grouped(file.size)} bytes; the limit is ${grouped(MAX_FILE_BYTES)} bytes).`);
  const check = checkImage(new Uint8Array(await file.arrayBuffer()));
  if (check.width * check.height > MAX_PIXELS) throw new Error(tooManyPixels(check.width, check.height));
  if (check.problem) throw new Error(check.problem);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error('its image data is corrupt or uses a feature this browser cannot decode.');
  }
  try {
    // The header was checked; this is the decoder's own view (EXIF orientation may swap width and height).
    if (bitmap.width * bitmap.height > MAX_PIXELS) throw new Error(tooManyPixels(bitmap.width, bitmap.height));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('this browser has no 2D canvas to decode images with.');
    context.drawImage(bitmap, 0, 0);
    const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    resizeRgba(data, bitmap.height, bitmap.width, channels, height, width, destination);
  } finally {
    bitmap.close();
  }
}

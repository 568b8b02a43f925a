// Turning the owner's picked files into labelled raw pixels, in the browser: a folder with one sub-folder per class
// (ImageFolderReader's layout: class names are the sub-folder names in ordinal order, .png/.jpg/.jpeg/.bmp files in
// ordinal name order, names starting with '.' and deeper sub-folders ignored), or loose image files that all get one
// chosen class. Decoding keeps pixels only (EXIF, GPS and every other metadata stay in the file), then resample.ts
// makes the project's CHW shape exactly as the CLI does.
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

/**
 * Decodes one image file to channels×height×width floats 0..255 (browser or worker: createImageBitmap and an
 * OffscreenCanvas). Throws an Error whose message says why the file cannot be used.
 */
export async function decodeImage(file: Blob, channels: 1 | 3, height: number, width: number, destination: Float32Array): Promise<void> {
  if (file.size > MAX_FILE_BYTES) throw new Error(`it is ${file.size} bytes, above the limit of ${MAX_FILE_BYTES} bytes.`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error('it is not an image this browser can decode, or its data is corrupt.');
  }
  try {
    if (bitmap.width * bitmap.height > MAX_PIXELS) {
      throw new Error(`it is ${bitmap.width}×${bitmap.height} = ${bitmap.width * bitmap.height} pixels, above the limit of ${MAX_PIXELS}.`);
    }
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

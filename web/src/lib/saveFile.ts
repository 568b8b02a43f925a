// Saving to the user's own disk: a Blob in this page, offered as a download. Nothing is uploaded.

/** Offers `data` as a file named `name`; the object URL is revoked once the browser has taken it. */
export function saveFile(data: Uint8Array | string, name: string, type: string): void {
  const blob = new Blob([data as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

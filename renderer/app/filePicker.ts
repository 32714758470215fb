/** The browser's way to read and write files: a file picker and a download. */

export interface PickedFile {
  readonly name: string;
  readonly text: string;
}

/** Asks the user for a `*.json` file and reads it as text; undefined when cancelled. */
export function pickTextFile(): Promise<PickedFile | undefined> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.json,application/json';
    input.hidden = true;
    input.dataset.testid = 'open-file';
    const done = (file: PickedFile | undefined): void => {
      input.remove();
      resolve(file);
    };
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file === undefined) done(undefined);
      else file.text().then((text) => done({ name: file.name, text }), () => done(undefined));
    });
    input.addEventListener('cancel', () => done(undefined));
    document.body.append(input);
    input.click();
  });
}

/** Offers text as a file download (the web host's way of saving). */
export function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

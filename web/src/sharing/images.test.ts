import { describe, expect, it } from 'vitest';
import { groupFolder, isImageName } from './images';

const f = (path: string) => ({ name: path.split('/').at(-1)!, webkitRelativePath: path, blob: new Blob([path]) });

describe('grouping a picked folder into classes (ImageFolderReader layout)', () => {
  it('takes class sub-folders in ordinal order and their images in ordinal name order, skipping the rest', () => {
    const { classNames, entries } = groupFolder([
      f('set/dog/b.PNG'), f('set/cat/z.jpg'), f('set/dog/a.jpeg'), f('set/Cat/x.bmp'),
      f('set/readme.txt'), f('set/top.png'), f('set/dog/notes.txt'), f('set/dog/.hidden.png'),
      f('set/.git/c.png'), f('set/dog/deeper/d.png'),
    ]);
    expect(classNames).toEqual(['Cat', 'cat', 'dog']);
    expect(entries.map(e => [e.path, e.label])).toEqual([['set/Cat/x.bmp', 0], ['set/cat/z.jpg', 1], ['set/dog/a.jpeg', 2], ['set/dog/b.PNG', 2]]);
  });

  it('knows the image extensions the CLI reads', () => {
    expect(['a.png', 'b.JPG', 'c.jpeg', 'd.bmp', 'e.gif', '.f.png'].map(isImageName)).toEqual([true, true, true, true, false, false]);
  });
});

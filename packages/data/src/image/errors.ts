/**
 * The error the worker-safe image code throws (it cannot import core's DataError: image
 * workers load only this package's image code and sharp). The main thread turns it into a
 * DataError naming the file.
 */
export class ImageFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageFormatError';
  }
}

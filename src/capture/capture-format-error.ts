/** The input is not a capture file, or is corrupt at `offset`. */
export class CaptureFormatError extends Error {
  readonly offset: number;

  constructor(offset: number, problem: string) {
    super(`capture input corrupt at byte offset ${offset}: ${problem}`);
    this.name = 'CaptureFormatError';
    this.offset = offset;
  }
}

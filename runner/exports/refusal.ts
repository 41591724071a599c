/** A reason an export cannot be built that an admin can act on (shown to them as is). */
export class ExportRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportRefusal';
  }
}

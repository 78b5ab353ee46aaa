/** A test command as recorded and compared: an argument array written the way a shell would read it back. */
export function describeCommand(command: string | string[]): string {
  return Array.isArray(command) ? command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ') : command;
}

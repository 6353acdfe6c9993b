/**
 * The database's own words in an error knex raised: knex prefixes the whole statement
 * (`<sql> - <message>`), which drowns the message and is printed elsewhere when wanted.
 */
export function databaseMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split(' - ').pop() ?? message;
}

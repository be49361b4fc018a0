// Hostile values: what the server checks in every string and JSON value of a request before it
// reaches a store or a response, so input no database can hold is refused alone, with a code.
export { checkJson, type JsonCheck, type JsonProblemCode } from './json.ts';
export { isStorableId, isStorableText, textProblem } from './text.ts';

import type { GoRule } from '../goRule';

/** Every Go rule, in code order. One line per rule: two people append here. */
export const ALL_GO_RULES: GoRule[] = [
];

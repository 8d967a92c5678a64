import type { BlockProblem } from '../block-kit.js';
import type { Workspace } from '../directory.js';
import { SlackApiError } from '../params.js';
import type { LocalSlackState } from '../state.js';

/**
 * Image blocks and elements naming a `slack_file` by id must name a completed file of this
 * workspace, as in Slack ("invalid slack file"). Problems carry json-pointers under `root`.
 */
export function findSlackFileProblems(state: LocalSlackState, workspace: Workspace, value: unknown, root: string): BlockProblem[] {
  const problems: BlockProblem[] = [];
  const walk = (v: unknown, pointer: string, path: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${pointer}/${i}`, `${path}.${i}`));
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    for (const [key, child] of Object.entries(v)) {
      if (key === 'slack_file' && typeof child === 'object' && child !== null && typeof (child as { id?: unknown }).id === 'string') {
        const file = state.records.files.get((child as { id: string }).id);
        if (!file || file.teamId !== workspace.teamId || !file.completed) problems.push({ path: `${path}.slack_file`, pointer: `${pointer}/slack_file`, message: 'invalid slack file' });
      } else {
        walk(child, `${pointer}/${key}`, `${path}.${key}`);
      }
    }
  };
  walk(value, root, root.slice(1));
  return problems;
}

export function checkSlackFiles(state: LocalSlackState, workspace: Workspace, value: unknown, root: string, error: string): void {
  const problems = findSlackFileProblems(state, workspace, value, root);
  if (problems.length > 0) throw SlackApiError.withMessages(error, problems);
}

// The agent console's staff session (shared/staff.tsx), and the cases this
// agent claimed in this tab.
import { staffSession } from '../shared/staff';

export const session = staffSession('agent');
export const { api, currentStaff, sessionExpired, signOut } = session;

// The cases this agent claimed in this tab, newest first, so they stay one
// click away once they leave the queue.
const MINE = 'settle.agent.mine';

export interface MyCase {
  handoff_id: string;
  dispute_id: string;
  conversation_id: string;
  label: string;
  claimed_at: string;
}

export function myCases(): MyCase[] {
  try {
    return JSON.parse(sessionStorage.getItem(MINE) ?? '[]') as MyCase[];
  } catch {
    return [];
  }
}

export function rememberCase(c: MyCase) {
  const rest = myCases().filter((x) => x.handoff_id !== c.handoff_id);
  sessionStorage.setItem(MINE, JSON.stringify([c, ...rest].slice(0, 20)));
}

export function forgetCase(handoffId: string) {
  sessionStorage.setItem(MINE, JSON.stringify(myCases().filter((x) => x.handoff_id !== handoffId)));
}

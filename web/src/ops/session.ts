// The ops console's staff session (shared/staff.tsx).
import { staffSession } from '../shared/staff';

export const session = staffSession('ops');
export const { api, currentStaff, signOut } = session;

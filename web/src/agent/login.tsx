import { StaffLogin } from '../shared/staff';
import { session } from './session';

export function Login({ expired, next }: { expired: boolean; next: string }) {
  return (
    <StaffLogin session={session} base="/agent/" home="/agent/queue" title="Settle agent console" heading="Sign in to the agent console"
      roles={['agent', 'admin']} who="agents" expired={expired} next={next} />
  );
}

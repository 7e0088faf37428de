import { StaffLogin } from '../shared/staff';
import { session } from './session';

export function Login({ expired, next }: { expired: boolean; next: string }) {
  return (
    <StaffLogin session={session} base="/ops/" home="/ops/outcomes" title="Settle ops" heading="Sign in to the ops console"
      roles={['ops', 'admin']} who="ops staff" expired={expired} next={next} />
  );
}

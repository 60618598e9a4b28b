/**
 * Puts the share domain into v9u-smb2's NTLMv2 authentication.
 *
 * The library stores `domain` but calls the NTLM encoder without it, so the NTLMv2 response is
 * computed for an empty domain. Samba in standalone mode accepts that; Windows servers checking
 * a domain account need the real one. We replace the library's session-setup message generator
 * with one that passes the domain (same headers otherwise), once per process.
 */
import ntlm from '@tryjsky/ntlm2';
import step2 from '@tryjsky/v9u-smb2/lib/messages/session_setup_step2.js';
import SMB2Message from '@tryjsky/v9u-smb2/lib/tools/smb2-message.js';

let patched = false;

/** The NTLM type 3 message for a connection, with its domain (exported for the unit test). */
export function type3For(connection: Parameters<typeof step2.generate>[0]): Buffer {
  return ntlm.encodeType3(connection.nonce, connection.username, connection.password, '', connection.domain ?? '');
}

/** Makes the library send the domain in NTLMv2 session setup; idempotent. */
export function useDomainInNtlm(): void {
  if (patched) return;
  patched = true;
  step2.generate = (connection) =>
    new SMB2Message({
      headers: { Command: 'SESSION_SETUP', SessionId: connection.SessionId, ProcessId: connection.ProcessId },
      request: { Buffer: type3For(connection) },
    });
}

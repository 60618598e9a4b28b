/**
 * Types for the parts of @tryjsky/v9u-smb2 (a CommonJS SMB2 client) that electron/core/smb uses.
 *
 * The package's own index.d.ts omits what we rely on (the socket, `connected`, `size` in stats),
 * so we import its files by path and describe exactly those here. @tryjsky/ntlm2 is its NTLM
 * dependency; we call it to put the share domain into the NTLMv2 response (see ntlm-domain.ts).
 */

declare module '@tryjsky/v9u-smb2/lib/smb2.js' {
  import type { Socket } from 'node:net';
  import type { Readable } from 'node:stream';

  namespace SMB2 {
    interface Options {
      /** `\\host\share`: the library takes host and share from this string. */
      share: string;
      domain: string;
      username: string;
      password: string;
      port?: number;
      packetConcurrency?: number;
      /** 0: never close on idle (we close). */
      autoCloseTimeout?: number;
    }
    interface Stats {
      size: number;
      mtime: Date;
      isDirectory(): boolean;
    }
    interface ReadStream extends Readable {
      fileSize: number;
    }
  }

  class SMB2 {
    constructor(options: SMB2.Options);
    /** The TCP socket, created in the constructor and connected on the first call. */
    readonly socket: Socket;
    /** True once negotiate, session setup and tree connect succeeded. */
    connected: boolean;
    disconnect(): void;
    readdir(path: string): Promise<string[]>;
    stat(path: string): Promise<SMB2.Stats>;
    /** Opens read-only with full sharing and reads in order, one chunk at a time. */
    createReadStream(path: string): Promise<SMB2.ReadStream>;
  }
  export = SMB2;
}

declare module '@tryjsky/v9u-smb2/lib/messages/session_setup_step2.js' {
  /** The library's connection object as the message generators see it. */
  interface Connection {
    SessionId: unknown;
    ProcessId: unknown;
    nonce: unknown;
    username: string;
    password: string;
    domain?: string;
  }
  const message: { generate(connection: Connection): unknown };
  export = message;
}

declare module '@tryjsky/v9u-smb2/lib/tools/smb2-message.js' {
  class SMB2Message {
    constructor(options: { headers: Record<string, unknown>; request: Record<string, unknown> });
  }
  export = SMB2Message;
}

declare module '@tryjsky/ntlm2' {
  /** NTLM type 3 message; `target` is the domain name hashed into the NTLMv2 response. */
  export function encodeType3(
    type2Message: unknown,
    username: string,
    password: string,
    workstation?: string,
    target?: string,
  ): Buffer;
}

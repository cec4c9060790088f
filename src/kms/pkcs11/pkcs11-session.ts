/**
 * One logged-in session on the configured token. pkcs11js calls are synchronous, so each KMS
 * operation runs start to finish inside one `run` (no await in between): one session serves
 * them all, and no operation is ever left half-initialised across an await.
 * Protects: the user PIN (Secret, used for C_Login only, never in messages); the token is
 * chosen by exact label or slot id, never "the first one". A session that died (token
 * removed, library restarted) is reopened and logged in again once per call; what still fails
 * is KmsError 'Unavailable'. A wrong or locked PIN is 'Denied', with a message naming the
 * setting, not the value.
 */
import type { Secret } from '../../core/index.js';
import { KmsError } from '../key-manager.js';
import { ck, ckrName, type Handle, type ModuleImporter, type Pkcs11 } from './pkcs11-api.js';
import { acquireLibrary, pinDigest, releaseLibrary, samePin, type Pkcs11Library } from './pkcs11-library.js';

export interface Pkcs11TokenSettings {
  /** Absolute path of the PKCS#11 library (.so). */
  readonly modulePath: string;
  /** Token label (exact), or … */
  readonly tokenLabel?: string | undefined;
  /** … slot id (decimal). */
  readonly slot?: string | undefined;
  readonly pin: Secret<string>;
}

/** Session states (PKCS#11 2.40 §5.6; pkcs11js does not export the CKS_* constants). */
const CKS_RO_USER_FUNCTIONS = 1;
const CKS_RW_USER_FUNCTIONS = 3;

/** Errors after which the session is gone but a new one may work. */
const SESSION_LOST = new Set(['CKR_SESSION_HANDLE_INVALID', 'CKR_SESSION_CLOSED', 'CKR_USER_NOT_LOGGED_IN', 'CKR_DEVICE_REMOVED', 'CKR_TOKEN_NOT_PRESENT', 'CKR_DEVICE_ERROR', 'CKR_CRYPTOKI_NOT_INITIALIZED']);

export function isSessionLost(error: unknown): boolean {
  return SESSION_LOST.has(ckrName(error));
}

const LOGIN_REFUSED: Record<string, string> = {
  CKR_PIN_INCORRECT: 'PKCS#11 login refused: the user PIN (COFFER_KMS_PKCS11_PIN) is incorrect',
  CKR_PIN_LOCKED: 'PKCS#11 login refused: the user PIN of this token is locked',
  CKR_PIN_EXPIRED: 'PKCS#11 login refused: the user PIN of this token has expired',
  CKR_PIN_LEN_RANGE: 'PKCS#11 login refused: the user PIN (COFFER_KMS_PKCS11_PIN) has a length the token does not accept',
};

export class Pkcs11Token {
  readonly tokenLabel: string;
  readonly #library: Pkcs11Library;
  readonly #slot: Handle;
  readonly #pin: Secret<string>;
  #session: Handle | undefined;
  #closed = false;

  private constructor(library: Pkcs11Library, slot: Handle, label: string, pin: Secret<string>) {
    this.#library = library;
    this.#slot = slot;
    this.tokenLabel = label;
    this.#pin = pin;
  }

  static async open(settings: Pkcs11TokenSettings, importer?: ModuleImporter): Promise<Pkcs11Token> {
    const library = await acquireLibrary(settings.modulePath, importer);
    try {
      const { slot, label } = findSlot(library.p, settings);
      const token = new Pkcs11Token(library, slot, label, settings.pin);
      token.#connect();
      return token;
    } catch (error) {
      releaseLibrary(library);
      if (error instanceof KmsError) throw error;
      throw new KmsError('Unavailable', `cannot open a session on the PKCS#11 token (${ckrName(error) || 'error'})`, { cause: error });
    }
  }

  /** A CK* constant of the loaded pkcs11js. */
  ck(name: string): number {
    return ck(this.#library.module, name);
  }

  /** Runs `fn` (synchronous PKCS#11 calls) on the logged-in session; reconnects once if it died. */
  run<T>(fn: (p: Pkcs11, session: Handle) => T): T {
    if (this.#closed) throw new KmsError('Unavailable', 'the PKCS#11 KMS is closed');
    for (let attempt = 0; ; attempt++) {
      try {
        return fn(this.#library.p, this.#session ?? this.#connect());
      } catch (error) {
        if (error instanceof KmsError) throw error;
        if (!isSessionLost(error) || attempt > 0) throw new KmsError('Unavailable', `the PKCS#11 token failed (${ckrName(error) || 'error'})`, { cause: error });
        this.#dropSession();
      }
    }
  }

  /** Whether the session is logged in as the user (reconnecting if needed). */
  loggedIn(): boolean {
    return this.run((p, session) => {
      const state = p.C_GetSessionInfo(session).state;
      return state === CKS_RO_USER_FUNCTIONS || state === CKS_RW_USER_FUNCTIONS;
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#dropSession();
    releaseLibrary(this.#library);
  }

  #connect(): Handle {
    const { p, logins } = this.#library;
    const session = p.C_OpenSession(this.#slot, this.ck('CKF_SERIAL_SESSION') | this.ck('CKF_RW_SESSION'));
    const key = this.#slot.toString('hex');
    const digest = pinDigest(this.#pin.reveal());
    try {
      p.C_Login(session, this.ck('CKU_USER'), this.#pin.reveal());
    } catch (error) {
      const code = ckrName(error);
      const login = logins.get(key);
      if (code !== 'CKR_USER_ALREADY_LOGGED_IN' || !login || !samePin(login.pinDigest, digest)) {
        p.C_CloseSession(session);
        if (code === 'CKR_USER_ALREADY_LOGGED_IN') throw new KmsError('Denied', 'PKCS#11 login refused: this process is already logged in to the token with another PIN');
        const refused = LOGIN_REFUSED[code];
        throw refused ? new KmsError('Denied', refused) : new KmsError('Unavailable', `PKCS#11 login failed (${code || 'error'})`, { cause: error });
      }
    }
    const login = logins.get(key);
    if (login) login.users++;
    else logins.set(key, { pinDigest: digest, users: 1 });
    this.#session = session;
    return session;
  }

  #dropSession(): void {
    const session = this.#session;
    if (!session) return;
    this.#session = undefined;
    const { p, logins } = this.#library;
    const key = this.#slot.toString('hex');
    const login = logins.get(key);
    if (login && --login.users === 0) {
      logins.delete(key);
      ignore(() => p.C_Logout(session));
    }
    ignore(() => p.C_CloseSession(session));
  }
}

function ignore(call: () => void): void {
  try {
    call();
  } catch {
    // the session or device is already gone
  }
}

/** The slot holding the configured token: exact label, or slot id; one match or an error. */
function findSlot(p: Pkcs11, settings: Pkcs11TokenSettings): { slot: Handle; label: string } {
  const slots = p.C_GetSlotList(true).map((slot) => ({ slot, label: p.C_GetTokenInfo(slot).label.replace(/[ \0]+$/, '') }));
  if (settings.slot !== undefined) {
    const wanted = BigInt(settings.slot);
    const match = slots.find(({ slot }) => slot.length <= 8 && Buffer.concat([slot, Buffer.alloc(8 - slot.length)]).readBigUInt64LE(0) === wanted);
    if (!match) throw new KmsError('InvalidInput', `COFFER_KMS_PKCS11_SLOT: no token is present in slot ${settings.slot}`);
    return match;
  }
  const matches = slots.filter((s) => s.label === settings.tokenLabel);
  if (matches.length === 0) throw new KmsError('InvalidInput', `COFFER_KMS_PKCS11_TOKEN_LABEL: no token labelled '${settings.tokenLabel ?? ''}' is present`);
  if (matches.length > 1) throw new KmsError('InvalidInput', `COFFER_KMS_PKCS11_TOKEN_LABEL: several tokens are labelled '${settings.tokenLabel ?? ''}'; choose one with COFFER_KMS_PKCS11_SLOT`);
  return matches[0] as { slot: Handle; label: string };
}

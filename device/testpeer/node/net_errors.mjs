// Error numbers as the module's MicroPython reports them: Linux errno
// values for sockets, mbedtls codes (negative) for TLS.
import net from "node:net";

export const E = {
  EIO: 5,
  EBADF: 9,
  EAGAIN: 11,
  EINVAL: 22,
  EPIPE: 32,
  ENETUNREACH: 101,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  EISCONN: 106,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTUNREACH: 113,
  EALREADY: 114,
};

export const TLS_VERIFY_FAILED = -0x2700; // MBEDTLS_ERR_X509_CERT_VERIFY_FAILED
export const TLS_HANDSHAKE_FAILED = -0x7780; // MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE
export const TLS_BAD_CERT = -0x2180; // MBEDTLS_ERR_X509_INVALID_FORMAT

const VERIFY_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

// errnoOf maps a Node socket or TLS error to the module's number.
export function errnoOf(e) {
  if (VERIFY_CODES.has(e?.code)) return TLS_VERIFY_FAILED;
  if (typeof e?.code === "string" && e.code.startsWith("ERR_SSL")) return TLS_HANDSHAKE_FAILED;
  return E[e?.code] ?? E.EIO;
}

// isLoopback answers whether host is an address on this machine's
// loopback interface; names are never resolved here.
export function isLoopback(host) {
  if (net.isIPv4(host)) return host.startsWith("127.");
  if (net.isIPv6(host)) return host === "::1" || host === "0:0:0:0:0:0:0:1";
  return false;
}

// A shipment's reference (BT-YYYY-NNNNNN) in what was typed or scanned: the bare reference, a URL that holds
// it, or a manifest's verification URL (/verify/<token>) whose signed payload names it.
export var REFERENCE = /BT-\d{4}-\d{6}/i;

function base64UrlText(segment) {
  try {
    var b64 = segment.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) {
      b64 += "=";
    }
    return window.atob(b64);
  } catch (error) {
    return "";
  }
}

export function verifyToken(text) {
  var match = /\/verify\/([^/?#\s]+)/.exec(text || "");
  return match ? match[1] : null;
}

// A manifest's QR holds its verification URL (/verify/<token>) or the bare reference (BT-YYYY-NNNNNN).
export function extractReference(text) {
  var raw = String(text || "");
  var decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch (error) {
    decoded = raw;
  }
  var match = REFERENCE.exec(raw) || REFERENCE.exec(decoded);
  if (match) {
    return match[0].toUpperCase();
  }
  var token = verifyToken(decoded);
  if (token) {
    var segments = token.split(".");
    for (var i = 0; i < segments.length; i += 1) {
      match = REFERENCE.exec(base64UrlText(segments[i]));
      if (match) {
        return match[0].toUpperCase();
      }
    }
  }
  return null;
}

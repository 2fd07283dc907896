//! Reading SMTP command lines as smtp-server (the Node server mountebank uses) reads them.

/// The address of a `MAIL FROM:` or `RCPT TO:` command and its ESMTP parameters.
#[derive(Debug, PartialEq, Eq)]
pub struct AddressCommand {
    /// The address between the angle brackets; empty for the null sender `<>`.
    pub address: String,
    /// `KEY=value` parameters (`SIZE=`, `BODY=`...), keys upper-cased, values xtext-decoded;
    /// a parameter without `=` has no value (`SMTPUTF8`).
    pub parameters: Vec<(String, Option<String>)>,
}

impl AddressCommand {
    /// The value of the parameter `key` (upper case), if it was given with one.
    pub fn parameter(&self, key: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(name, _)| name == key)
            .and_then(|(_, value)| value.as_deref())
    }
}

/// The command's verb, upper-cased: what comes before the first space.
pub fn verb(line: &str) -> String {
    line.split(' ')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase()
}

/// The words after the verb, split on whitespace.
pub fn arguments(line: &str) -> Vec<&str> {
    line.split_whitespace().skip(1).collect()
}

/// Parses `MAIL FROM:<address> PARAMS` (`name` is `"MAIL FROM"`) or `RCPT TO:<address>`;
/// `None` when the syntax is wrong. Like smtp-server, the address must be in angle brackets
/// and, unless empty, have exactly one `@` with text on both sides.
pub fn parse_address_command(name: &str, line: &str) -> Option<AddressCommand> {
    let (head, rest) = line.split_once(':')?;
    if !head.trim().eq_ignore_ascii_case(name) {
        return None;
    }
    let mut words = rest.split_whitespace();
    let bracketed = words.next().unwrap_or_default();
    let address = bracketed
        .strip_prefix('<')
        .and_then(|inner| inner.strip_suffix('>'))
        .filter(|inner| !inner.contains(['<', '>']))?;
    if !address.is_empty() && !is_plausible_mailbox(address) {
        return None;
    }
    let parameters = words.map(parse_parameter).collect();
    Some(AddressCommand {
        address: address.to_string(),
        parameters,
    })
}

/// Whether the line is an HTTP request line: smtp-server answers those with 421 and hangs up,
/// so that a web page cannot make a browser talk SMTP.
pub fn is_http_request(line: &str) -> bool {
    const METHODS: [&str; 8] = [
        "OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "CONNECT",
    ];
    let Some((method, rest)) = line.split_once(' ') else {
        return false;
    };
    if !METHODS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(method))
        || !rest.starts_with('/')
    {
        return false;
    }
    let Some(version) = rest.rsplit_once(' ').map(|(_, version)| version) else {
        return false;
    };
    let version = version.as_bytes();
    version.len() == 8
        && version[..5].eq_ignore_ascii_case(b"HTTP/")
        && version[5].is_ascii_digit()
        && version[6] == b'.'
        && version[7].is_ascii_digit()
}

fn is_plausible_mailbox(address: &str) -> bool {
    let mut parts = address.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(local), Some(domain), None) if !local.is_empty() && !domain.is_empty()
    )
}

fn parse_parameter(word: &str) -> (String, Option<String>) {
    match word.split_once('=') {
        Some((key, value)) => (key.to_ascii_uppercase(), Some(decode_xtext(value))),
        None => (word.to_ascii_uppercase(), None),
    }
}

/// RFC 3461 xtext: `+XX` is the byte with hex code XX.
fn decode_xtext(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes.get(index + 1..index + 3).and_then(|pair| {
            let pair = std::str::from_utf8(pair).ok()?;
            let upper_hex = pair
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b));
            upper_hex
                .then(|| u8::from_str_radix(pair, 16).ok())
                .flatten()
        });
        match (bytes[index], hex) {
            (b'+', Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests;

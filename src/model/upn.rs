//! Unique Pupil Numbers (DfE data standard, UPN v2.0): shape and check letter.

/// The 23 letters a UPN check letter (and a temporary UPN's last character) is drawn from.
const LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// Why a UPN is not valid, in words an officer can act on.
#[derive(Debug, PartialEq, Eq)]
pub enum UpnError {
    Length(usize),
    Shape,
    CheckLetter { written: char, expected: char },
}

impl std::fmt::Display for UpnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UpnError::Length(n) => write!(f, "a UPN has 13 characters, this one has {n}"),
            UpnError::Shape => {
                f.write_str("a UPN is a check letter, then 12 digits (or 11 digits and a letter for a temporary UPN)")
            }
            UpnError::CheckLetter { written, expected } => write!(
                f,
                "the check letter is {written} but the digits give {expected}: a character is mistyped"
            ),
        }
    }
}

/// The check letter the other 12 characters of a UPN call for.
pub fn check_letter(rest: &[u8]) -> Option<char> {
    if rest.len() != 12 {
        return None;
    }
    let mut sum = 0usize;
    for (i, &c) in rest.iter().enumerate() {
        let value = if c.is_ascii_digit() {
            (c - b'0') as usize
        } else if i == 11 {
            LETTERS.iter().position(|&l| l == c)?
        } else {
            return None;
        };
        sum += value * (i + 2);
    }
    Some(LETTERS[sum % 23] as char)
}

/// Checks a UPN's length, shape and check letter.
pub fn validate(upn: &str) -> Result<(), UpnError> {
    let n = upn.chars().count();
    if n != 13 {
        return Err(UpnError::Length(n));
    }
    let b = upn.as_bytes();
    let first_ok = LETTERS.contains(&b[0]);
    let middle_ok = b[1..12].iter().all(u8::is_ascii_digit);
    let last_ok = b[12].is_ascii_digit() || LETTERS.contains(&b[12]);
    if !(first_ok && middle_ok && last_ok) {
        return Err(UpnError::Shape);
    }
    let expected = check_letter(&b[1..]).ok_or(UpnError::Shape)?;
    if expected as u8 != b[0] {
        return Err(UpnError::CheckLetter {
            written: b[0] as char,
            expected,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_examples() {
        assert_eq!(validate("B801200005001"), Ok(()));
        assert_eq!(validate("R674123101121"), Ok(()));
        // The often-copied example is wrong: its check letter is P.
        assert_eq!(
            validate("Q207000016049"),
            Err(UpnError::CheckLetter {
                written: 'Q',
                expected: 'P'
            })
        );
        assert_eq!(validate("P207000016049"), Ok(()));
    }

    #[test]
    fn shapes() {
        assert_eq!(validate("B80120000500"), Err(UpnError::Length(12)));
        assert_eq!(validate("1801200005001"), Err(UpnError::Shape));
        assert_eq!(validate("B8012000050I1"), Err(UpnError::Shape));
        // A temporary UPN ends in a letter, which counts as its place in the alphabet.
        let rest = b"80120000500A";
        let c = check_letter(rest).unwrap();
        assert_eq!(validate(&format!("{c}80120000500A")), Ok(()));
    }
}

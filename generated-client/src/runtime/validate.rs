//! Constraint checks that generated `validate()` methods call. Each returns a `ValidationError`
//! naming the parameter (with its path) and the rule, so a bad value never reaches the network.

use super::error::{ValidationError, ValidationErrorKind as Kind};

fn fail(kind: Kind, name: &str, problem: String) -> ValidationError {
    ValidationError::new(kind, name, problem)
}

/// Length in characters (Unicode scalar values), as the API documents its limits.
pub fn char_length(
    name: &str,
    value: &str,
    min: Option<usize>,
    max: Option<usize>,
) -> Result<(), ValidationError> {
    // Byte length bounds the char count from above: skip counting in the common case.
    if min.is_none() && max.is_some_and(|max| value.len() <= max) {
        return Ok(());
    }
    let len = value.chars().count();
    if let Some(min) = min {
        if len < min {
            return Err(fail(
                Kind::TooShort,
                name,
                format!("must be at least {min} characters long (got {len})"),
            ));
        }
    }
    if let Some(max) = max {
        if len > max {
            return Err(fail(
                Kind::TooLong,
                name,
                format!("must be at most {max} characters long (got {len})"),
            ));
        }
    }
    Ok(())
}

/// Every character must satisfy `allowed`; `described` says which ones are allowed, in words.
pub fn allowed_chars(
    name: &str,
    value: &str,
    allowed: fn(char) -> bool,
    described: &str,
) -> Result<(), ValidationError> {
    match value.char_indices().find(|&(_, c)| !allowed(c)) {
        None => Ok(()),
        Some((at, c)) => Err(fail(
            Kind::AllowedChars,
            name,
            format!("character {c:?} at byte {at} is not allowed; allowed: {described}"),
        )),
    }
}

/// An image's base64 length against the API's limit.
pub fn image_size(
    name: &str,
    image: &super::image::Image,
    max_encoded: usize,
) -> Result<(), ValidationError> {
    let len = image.encoded_len();
    if len > max_encoded {
        return Err(fail(Kind::ImageTooLarge,
            name,
            format!(
                "image is {len} bytes once base64-encoded; the limit is {max_encoded} bytes ({:.1} MiB)",
                max_encoded as f64 / (1024.0 * 1024.0)
            ),
        ));
    }
    Ok(())
}

/// An image must hold data: the API refuses an empty one.
pub fn image_not_empty(name: &str, image: &super::image::Image) -> Result<(), ValidationError> {
    if image.is_empty() {
        return Err(fail(
            Kind::EmptyImage,
            name,
            "image is empty (0 bytes)".to_owned(),
        ));
    }
    Ok(())
}

/// At least one of a group of parameters must be given (`given[i]` says whether `names[i]`
/// is set and not empty), e.g. an image as `Image` or as `Url`.
pub fn at_least_one_of(names: &[&str], given: &[bool]) -> Result<(), ValidationError> {
    if given.contains(&true) {
        return Ok(());
    }
    let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let (last, rest) = listed
        .split_last()
        .expect("a group names at least two parameters");
    Err(fail(
        Kind::OneOfRequired,
        &names.join(" or "),
        format!("give {} or {last}; none is set", rest.join(", ")),
    ))
}

/// Runs `check` on every item; a failure names the item's index, e.g. `Urls[3]`.
pub fn each<T>(
    name: &str,
    items: &[T],
    check: impl Fn(&T) -> Result<(), ValidationError>,
) -> Result<(), ValidationError> {
    for (i, item) in items.iter().enumerate() {
        check(item).map_err(|e| e.within(format_args!("{name}[{i}]")))?;
    }
    Ok(())
}

/// Number of list items.
pub fn item_count(
    name: &str,
    len: usize,
    min: Option<usize>,
    max: Option<usize>,
) -> Result<(), ValidationError> {
    if let Some(min) = min {
        if len < min {
            return Err(fail(
                Kind::ItemCount,
                name,
                format!("must have at least {min} item(s) (got {len})"),
            ));
        }
    }
    if let Some(max) = max {
        if len > max {
            return Err(fail(
                Kind::ItemCount,
                name,
                format!("must have at most {max} item(s) (got {len})"),
            ));
        }
    }
    Ok(())
}

/// Numeric range, inclusive at both ends.
pub fn range<T: PartialOrd + std::fmt::Display + Copy>(
    name: &str,
    value: T,
    min: Option<T>,
    max: Option<T>,
) -> Result<(), ValidationError> {
    if let Some(min) = min {
        if value < min {
            return Err(fail(
                Kind::OutOfRange,
                name,
                format!("must be at least {min} (got {value})"),
            ));
        }
    }
    if let Some(max) = max {
        if value > max {
            return Err(fail(
                Kind::OutOfRange,
                name,
                format!("must be at most {max} (got {value})"),
            ));
        }
    }
    // NaN is neither below nor above; refuse it explicitly.
    if value.partial_cmp(&value).is_none() {
        return Err(fail(
            Kind::OutOfRange,
            name,
            "must be a number (got NaN)".to_owned(),
        ));
    }
    Ok(())
}

/// The value must be one of the listed ones.
pub fn one_of(name: &str, value: &str, allowed: &[&str]) -> Result<(), ValidationError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(fail(
            Kind::NotOneOf,
            name,
            format!("must be one of {allowed:?} (got {value:?})"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_length_counts_characters_not_bytes() {
        assert!(char_length("Name", "人人", None, Some(2)).is_ok());
        let err = char_length("Name", "人人人", None, Some(2)).unwrap_err();
        assert_eq!(err.parameter(), "Name");
        assert_eq!(err.problem(), "must be at most 2 characters long (got 3)");
    }

    #[test]
    fn nested_failures_name_the_path() {
        let items = vec!["ok".to_owned(), String::new()];
        let err = each("Urls", &items, |item| char_length("", item, Some(1), None)).unwrap_err();
        assert_eq!(err.parameter(), "Urls[1]");
        let err = err.within("Outer");
        assert_eq!(err.parameter(), "Outer.Urls[1]");
        let nested: Vec<Vec<String>> = vec![vec![], vec!["".into()]];
        let err = each("Grid", &nested, |row| {
            each("", row, |s| char_length("", s, Some(1), None))
        })
        .unwrap_err();
        assert_eq!(err.parameter(), "Grid[1][0]");
    }

    #[test]
    fn allowed_chars_names_the_offender() {
        let digits = |c: char| c.is_ascii_digit();
        let err = allowed_chars("Id", "12/3", digits, "digits").unwrap_err();
        assert_eq!(
            err.problem(),
            "character '/' at byte 2 is not allowed; allowed: digits"
        );
    }

    #[test]
    fn at_least_one_of_names_the_group() {
        assert!(at_least_one_of(&["Image", "Url"], &[false, true]).is_ok());
        let err = at_least_one_of(&["Image", "Url"], &[false, false]).unwrap_err();
        assert_eq!(err.parameter(), "Image or Url");
        assert_eq!(err.problem(), "give `Image` or `Url`; none is set");
        let err = at_least_one_of(&["A", "B", "C"], &[false; 3]).unwrap_err();
        assert_eq!(err.problem(), "give `A`, `B` or `C`; none is set");
    }

    #[test]
    fn empty_images_are_refused() {
        let empty = crate::Image::from_bytes(Vec::new());
        let err = image_not_empty("Image", &empty).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid request parameter `Image`: image is empty (0 bytes)"
        );
        assert!(image_not_empty("Image", &crate::Image::from_bytes(vec![1])).is_ok());
    }

    #[test]
    fn range_rejects_nan_and_out_of_range() {
        assert!(range("X", f64::NAN, Some(0.0), None).is_err());
        assert!(range("X", 5_i64, Some(0), Some(10)).is_ok());
        assert_eq!(
            range("X", 11_i64, Some(0), Some(10)).unwrap_err().problem(),
            "must be at most 10 (got 11)"
        );
    }
}

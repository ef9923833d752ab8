//! Inputs the fuzz targets (`fuzz/`) found wrong, replayed through the public
//! API so they stay fixed. RELIABILITY.md lists each finding.

use glance_client::Image;

/// decode_image: a number too large for an integer was read imprecisely, so
/// an image written back (`to_json`, the C ABI's `glance_image_to_json`,
/// property diffs) changed the value's last digit.
#[test]
fn large_numbers_in_properties_survive_a_round_trip() {
    let big = "4".repeat(113);
    for number in [
        big.as_str(),
        "4.4444444444444455e+112",
        "0.1",
        "1e-300",
        "123456789.123456789",
    ] {
        let json = format!(r#"{{"id": "x", "sei": [{number}]}}"#);
        let image: Image = serde_json::from_str(&json).unwrap();
        let again: Image = serde_json::from_str(&image.to_json()).unwrap();
        assert_eq!(again, image, "{number}");
    }
}

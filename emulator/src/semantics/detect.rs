//! Detection and analysis: plausible, deterministic values derived from the image (its size,
//! its marker or its bytes). The same person always gets the same attributes.

use serde_json::{json, Value};

use super::{hash_of, object, rect_json, Answer, ApiError, Params};
use crate::image::SeenImage;
use crate::state::State;

/// A stable number in `0..modulo` for one attribute of one face.
fn pick(identity: &str, attribute: &str, modulo: u64) -> u64 {
    hash_of(&[identity, "\n", attribute]) % modulo
}

fn item(identity: &str, attribute: &str, types: u64) -> Value {
    let probability = 0.5 + pick(identity, &format!("{attribute}.p"), 50) as f64 / 100.0;
    json!({"Type": pick(identity, attribute, types), "Probability": probability})
}

/// The faces to report: at most `max` (at least one asked for), and never none.
fn detected(p: &Params, max_default: u64) -> Result<(SeenImage, u32), ApiError> {
    let seen = p.image_with_faces("Image", "Url")?;
    let max = p.u64("MaxFaceNum").unwrap_or(max_default).max(1);
    let count = seen.faces.min(max.min(u64::from(u32::MAX)) as u32);
    Ok((seen, count))
}

pub fn detect_face(_: &State, p: &Params) -> Answer {
    let (seen, count) = detected(p, 1)?;
    let attributes = p.u64("NeedFaceAttributes") == Some(1);
    let quality = p.u64("NeedQualityDetection") == Some(1);
    let infos: Vec<Value> = (0..count)
        .map(|i| {
            let id = seen.face_identity(i);
            let (x, y, w, h) = seen.face_rect(i);
            let mut info = json!({"X": x, "Y": y, "Width": w, "Height": h});
            if attributes {
                info["FaceAttributesInfo"] = json!({
                    "Gender": pick(&id, "gender", 100), "Age": 18 + pick(&id, "age", 50),
                    "Expression": pick(&id, "expression", 100), "Glass": pick(&id, "glass", 2) == 1,
                    "Pitch": pick(&id, "pitch", 21) as i64 - 10, "Yaw": pick(&id, "yaw", 21) as i64 - 10,
                    "Roll": pick(&id, "roll", 21) as i64 - 10, "Beauty": pick(&id, "beauty", 100),
                    "Hat": pick(&id, "hat", 2) == 1, "Mask": pick(&id, "mask", 2) == 1,
                    "Hair": {"Length": pick(&id, "hair", 5), "Bang": pick(&id, "bang", 2),
                             "Color": pick(&id, "color", 3)},
                    "EyeOpen": true,
                });
            } else {
                // The API still returns the attributes, meaningless, when they were not asked for.
                info["FaceAttributesInfo"] = json!({
                    "Gender": 0, "Age": 0, "Expression": 0, "Glass": false,
                    "Pitch": 0, "Yaw": 0, "Roll": 0, "Beauty": 0,
                });
            }
            if quality {
                let q = i64::from(seen.quality);
                info["FaceQualityInfo"] = json!({
                    "Score": q, "Sharpness": q, "Brightness": 50 + q / 4,
                    "Completeness": {"Eyebrow": q, "Eye": q, "Nose": q, "Cheek": q, "Mouth": q, "Chin": q},
                });
            }
            info
        })
        .collect();
    Ok(object(json!({
        "ImageWidth": seen.width, "ImageHeight": seen.height, "FaceInfos": infos,
        "FaceModelVersion": p.str("FaceModelVersion").unwrap_or("3.0"),
    })))
}

pub fn detect_face_attributes(_: &State, p: &Params) -> Answer {
    let (seen, count) = detected(p, 1)?;
    let infos: Vec<Value> = (0..count)
        .map(|i| {
            let id = seen.face_identity(i);
            let id = id.as_str();
            json!({
                "FaceRect": rect_json(seen.face_rect(i)),
                "FaceDetailAttributesInfo": {
                    "Age": 18 + pick(id, "age", 50), "Beauty": pick(id, "beauty", 100),
                    "Emotion": item(id, "emotion", 8),
                    "Eye": {"Glass": item(id, "glass", 3), "EyeOpen": item(id, "eye-open", 2),
                            "EyelidType": item(id, "eyelid", 2), "EyeSize": item(id, "eye-size", 3)},
                    "Eyebrow": {"EyebrowDensity": item(id, "brow-density", 2),
                                "EyebrowCurve": item(id, "brow-curve", 2),
                                "EyebrowLength": item(id, "brow-length", 2)},
                    "Gender": item(id, "gender", 2),
                    "Hair": {"Length": item(id, "hair-length", 5), "Bang": item(id, "bang", 2),
                             "Color": item(id, "hair-color", 4)},
                    "Hat": {"Style": item(id, "hat-style", 3), "Color": item(id, "hat-color", 3)},
                    "HeadPose": {"Pitch": pick(id, "pitch", 21) as i64 - 10,
                                 "Yaw": pick(id, "yaw", 21) as i64 - 10,
                                 "Roll": pick(id, "roll", 21) as i64 - 10},
                    "Mask": item(id, "mask", 2), "Mouth": {"MouthOpen": item(id, "mouth", 2)},
                    "Moustache": item(id, "moustache", 2), "Nose": item(id, "nose", 3),
                    "Shape": item(id, "shape", 5), "Skin": item(id, "skin", 4),
                    "Smile": pick(id, "smile", 101),
                },
            })
        })
        .collect();
    Ok(object(json!({
        "ImageWidth": seen.width, "ImageHeight": seen.height, "FaceDetailInfos": infos,
        "FaceModelVersion": p.str("FaceModelVersion").unwrap_or("3.0"),
    })))
}

/// `n` points on an ellipse centred at (`cx`, `cy`) with radii `rx`, `ry`, all fractions of
/// the face box `(x, y, w, h)`.
fn ring(
    (x, y, w, h): (i64, i64, u64, u64),
    n: usize,
    centre: (f64, f64),
    radii: (f64, f64),
) -> Value {
    let (w, h) = (w as f64, h as f64);
    Value::Array(
        (0..n)
            .map(|k| {
                let t = std::f64::consts::TAU * k as f64 / n as f64;
                json!({
                    "X": x + ((centre.0 + radii.0 * t.cos()) * w) as i64,
                    "Y": y + ((centre.1 + radii.1 * t.sin()) * h) as i64,
                })
            })
            .collect(),
    )
}

/// How many faces an analysis reports: one with `Mode` 1, else up to `max`.
fn analysed_faces(p: &Params, max: u32) -> Result<(SeenImage, u32), ApiError> {
    let seen = p.image_with_faces("Image", "Url")?;
    let count = if p.u64("Mode") == Some(1) {
        1
    } else {
        seen.faces.min(max)
    };
    Ok((seen, count))
}

/// 90 keypoints per face, placed on ellipses inside its box.
pub fn analyze_face(_: &State, p: &Params) -> Answer {
    let (seen, count) = analysed_faces(p, 10)?;
    let shapes: Vec<Value> = (0..count)
        .map(|i| {
            let rect = seen.face_rect(i);
            json!({
                "FaceProfile": ring(rect, 21, (0.5, 0.5), (0.45, 0.48)),
                "LeftEye": ring(rect, 8, (0.33, 0.38), (0.08, 0.03)),
                "RightEye": ring(rect, 8, (0.67, 0.38), (0.08, 0.03)),
                "LeftEyeBrow": ring(rect, 8, (0.33, 0.28), (0.1, 0.02)),
                "RightEyeBrow": ring(rect, 8, (0.67, 0.28), (0.1, 0.02)),
                "Mouth": ring(rect, 22, (0.5, 0.75), (0.15, 0.05)),
                "Nose": ring(rect, 13, (0.5, 0.55), (0.06, 0.1)),
                "LeftPupil": ring(rect, 1, (0.33, 0.38), (0.0, 0.0)),
                "RightPupil": ring(rect, 1, (0.67, 0.38), (0.0, 0.0)),
            })
        })
        .collect();
    Ok(object(json!({
        "ImageWidth": seen.width, "ImageHeight": seen.height, "FaceShapeSet": shapes,
        "FaceModelVersion": p.str("FaceModelVersion").unwrap_or("3.0"),
    })))
}

/// 888 keypoints per face (the most the API documents), for up to 5 faces, with the face box.
pub fn analyze_dense_landmarks(_: &State, p: &Params) -> Answer {
    let (seen, count) = analysed_faces(p, 5)?;
    let shapes: Vec<Value> = (0..count)
        .map(|i| {
            let rect = seen.face_rect(i);
            let (x, y, w, h) = rect;
            json!({
                "X": x, "Y": y, "Width": w, "Height": h,
                "LeftEye": ring(rect, 64, (0.33, 0.38), (0.08, 0.03)),
                "RightEye": ring(rect, 64, (0.67, 0.38), (0.08, 0.03)),
                "LeftEyeBrow": ring(rect, 64, (0.33, 0.28), (0.1, 0.02)),
                "RightEyeBrow": ring(rect, 64, (0.67, 0.28), (0.1, 0.02)),
                "MouthOutside": ring(rect, 64, (0.5, 0.75), (0.15, 0.05)),
                "MouthInside": ring(rect, 63, (0.5, 0.75), (0.1, 0.02)),
                "Nose": ring(rect, 63, (0.5, 0.55), (0.06, 0.1)),
                "LeftPupil": ring(rect, 33, (0.33, 0.38), (0.02, 0.02)),
                "RightPupil": ring(rect, 33, (0.67, 0.38), (0.02, 0.02)),
                "CentralAxis": ring(rect, 34, (0.5, 0.5), (0.0, 0.45)),
                "Chin": ring(rect, 65, (0.5, 0.9), (0.2, 0.05)),
                "LeftEyeBags": ring(rect, 64, (0.33, 0.43), (0.08, 0.02)),
                "RightEyeBags": ring(rect, 64, (0.67, 0.43), (0.08, 0.02)),
                "Forehead": ring(rect, 149, (0.5, 0.12), (0.4, 0.08)),
            })
        })
        .collect();
    Ok(object(json!({
        "ImageWidth": seen.width, "ImageHeight": seen.height, "DenseFaceShapeSet": shapes,
        "FaceModelVersion": p.str("FaceModelVersion").unwrap_or("3.0"),
    })))
}

/// Live faces score 90-99.x, others 0-9.x (marker `live=`; unmarked images are live).
pub fn detect_live_face_accurate(_: &State, p: &Params) -> Answer {
    let seen = p.image_with_faces("Image", "Url")?;
    let jitter = pick(&seen.digest, "live", 100) as f64 / 10.0;
    let score = if seen.live { 90.0 + jitter } else { jitter };
    Ok(object(json!({
        "Score": score, "FaceModelVersion": p.str("FaceModelVersion").unwrap_or("3.0"),
    })))
}

/**
 * The guardians' consent for photos (PIPL 第28、31条: a pupil's image is a minor's sensitive
 * information; under fourteen it needs a guardian's consent). The form asks with one checkbox
 * under the photo field; a submission with photos and without the tick keeps nothing.
 */
import { esc } from "../forms/html.ts";
import type { FormValues } from "../forms/validate.ts";

export const CONSENT_FIELD = "photoConsent";
export const CONSENT_LABEL = "照片中如有学生，已取得监护人同意";
export const NO_CONSENT = `上传照片前请勾选「${CONSENT_LABEL}」；没有取得同意的照片请不要上传（也可以去掉照片再提交）。`;
export const PHOTO_HINT = "作为检查的佐证材料；上传时去除拍摄地点等信息；重新提交时请重新选择照片";

export function consentBox(values: FormValues): string {
  const checked = values[CONSENT_FIELD] === "1" ? " checked" : "";
  return `<div class="checks"><label><input type="checkbox" name="${CONSENT_FIELD}" value="1"${checked}>${esc(CONSENT_LABEL)}</label></div>`;
}

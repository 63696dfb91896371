/**
 * Pictures people send the robot (picture messages in 1:1 chats, picture items of richText):
 * each carries a temporary downloadCode, exchanged for a temporary download link through the
 * robot OpenAPI (DingtalkApi.messageFileUrl), which is then fetched by our one size-limited
 * fetch (bot/fetch-file.ts). Throttling passes (ThrottledError, as for every OpenAPI call);
 * an expired or foreign code is PictureUnavailable.
 */
import { PictureTooLarge, PictureUnavailable, type PictureRef } from "../../messages/pictures.ts";
import { ThrottledError } from "../delivery.ts";
import { FileRefused, FileTooLarge, fetchFile } from "../fetch-file.ts";
import { HttpStatusError } from "../http-json.ts";
import type { DingtalkApi } from "./api.ts";

export async function fetchDingtalkPicture(api: DingtalkApi, picture: PictureRef, maxBytes: number): Promise<Buffer> {
  const code = picture.downloadCode;
  if (!code) throw new PictureUnavailable("dingtalk picture without a downloadCode");
  let url: string;
  try {
    url = await api.messageFileUrl(code);
  } catch (e) {
    if (e instanceof ThrottledError) throw e;
    if (e instanceof HttpStatusError && e.status >= 400 && e.status < 500) throw new PictureUnavailable(e.message);
    throw e;
  }
  try {
    return (await fetchFile(url, { maxBytes, timeoutMs: 30_000, where: "dingtalk picture" })).bytes;
  } catch (e) {
    if (e instanceof FileTooLarge) throw new PictureTooLarge(maxBytes);
    if (e instanceof FileRefused) throw new PictureUnavailable(e.message);
    throw e;
  }
}

/** School subjects people name in records; the value on the right is what is stored. */
const SUBJECTS: Record<string, string> = {
  语文: "语文",
  数学: "数学",
  英语: "英语",
  外语: "英语",
  物理: "物理",
  化学: "化学",
  生物: "生物",
  历史: "历史",
  地理: "地理",
  政治: "道德与法治",
  道德与法治: "道德与法治",
  道法: "道德与法治",
  思想品德: "道德与法治",
  科学: "科学",
  信息技术: "信息科技",
  信息科技: "信息科技",
  音乐: "音乐",
  美术: "美术",
  体育: "体育与健康",
  体育与健康: "体育与健康",
  劳动: "劳动",
  综合实践: "综合实践",
  心理健康: "心理健康",
  书法: "书法",
  学前: "学前教育",
  学前教育: "学前教育",
  幼儿: "学前教育",
  特殊教育: "特殊教育",
  特教: "特殊教育",
};

export function resolveSubject(word: string): string | undefined {
  return SUBJECTS[word.trim()];
}

export const SUBJECT_WORDS: readonly string[] = Object.keys(SUBJECTS);

/** The stored names, in the order above (for pickers such as the web form). */
export const SUBJECT_NAMES: readonly string[] = [...new Set(Object.values(SUBJECTS))];

"""Text folding for matching only: the checker compares folded text, messages quote the original.

`fold("滿意度 ≥ ９５％ 😀")` -> "满意度≥95%": NFKC (full-width digits and signs), traditional ->
simplified for the characters of this domain, no emoji or pictographs, no whitespace at all
(Chinese needs none, and real tables carry stray spaces, tabs and line breaks inside cells).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from assistant.checks.messages import SHORTENED, SHORTENED_TAIL

# Traditional -> simplified, one "繁简" pair per token: the characters met in published tables
# (岳陽樓區價格認證鑒定中心…) and in the vocabulary the rules match. Not a general converter.
_T2S_PAIRS = """
產产 標标 數数 質质 時时 經经 濟济 會会 滿满 務务 業业 資资 額额 萬万 應应 盡尽 運运 轉转 單单
該该 準准 確确 達达 項项 計计 劃划 書书 發发 範范 圍围 內内 與与 對对 於于 為为 實实 現现 據据
價价 認认 證证 鑒鉴 區区 樓楼 陽阳 總总 體体 績绩 門门 職职 責责 負负 護护 織织 環环 態态 響响
續续 優优 進进 長长 減减 設设 備备 購购 買买 補补 貼贴 費费 預预 執执 撥拨 戶户 檢检 測测 驗验
庫库 處处 礎础 醫医 療疗 險险 衛卫 傳传 統统 練练 訓训 調调 節节 獎奖 勵励 組组 農农 機机 關关
係系 導导 覽览 邊边 際际 級级 縣县 鄉乡 鎮镇 學学 師师 員员 參参 兒儿 婦妇 齡龄 稅税 貸贷 開开
啟启 動动 靜静 風风 災灾 難难 氣气 電电 網网 絡络 線线 綫线 車车 輛辆 輸输 裝装 維维 廳厅 黨党
協协 問问 題题 歸归 類类 舊旧 報报 廢废 條条 規规 號号 積积 極极 擴扩 強强 穩稳 鞏巩 顯显 無无
來来 間间 週周 歲岁 種种 殘残 礙碍 領领 園园 藥药 糧粮 飲饮 場场 廠厂 礦矿 錢钱 銷销 採采 擇择
選选 舉举 獲获 這这 個个 們们 從从 眾众 團团 結结 閱阅 讀读 講讲 檔档 簽签 訂订 聯联 繫系 義义
戰战 隊队 幫帮 貧贫 脫脱 層层 齊齐 擔担 壓压 緊紧 當当 屬属 遺遗 養养 幣币 註注 冊册 辦办 構构
歷历 曆历 緩缓 純纯 細细 綜综 給给 紀纪 約约 納纳 紅红 綠绿 縮缩 繼继 聲声 聽听 興兴 藝艺 華华
葉叶 蓋盖 見见 親亲 覺觉 觀观 訊讯 記记 許许 診诊 試试 詳详 誤误 說说 請请 論论 議议 變变 讓让
貨货 貿贸 賬账 賠赔 趕赶 跡迹 躍跃 軍军 輕轻 較较 載载 輔辅 轄辖 過过 遠远 適适 遷迁 郵邮 釋释
針针 鐵铁 銀银 錯错 鍵键 閒闲 閉闭 陣阵 陳陈 隨随 隱隐 雙双 雜杂 靈灵 頁页 順顺 須须 頻频 願愿
顧顾 飛飞 館馆 馬马 髮发 鬥斗 魚鱼 黃黄 點点 龍龙 後后 裡里 裏里 麼么 並并 億亿 僅仅 儲储 兩两
凈净 淨净 則则 創创 劉刘 剛刚 勞劳 勢势 廣广 彙汇 匯汇 徵征 懷怀 慶庆 戲戏 擁拥 攜携 斷断 暫暂
東东 樣样 橋桥 權权 歡欢 決决 況况 溫温 漢汉 煙烟 熱热 爭争 狀状 獨独 畢毕 畫画 監监 盤盘 禮礼
稱称 窮穷 競竞 筆笔 簡简 籌筹 絕绝 編编 罰罚 肅肃 腦脑 艱艰 蘭兰 蟲虫 術术 製制 複复 評评 詞词
誌志 誠诚 課课 談谈 諮咨 謀谋 識识 豐丰 貫贯 賃赁 賦赋 贊赞 趨趋 軌轨 輪轮 遊游 違违 遲迟 還还
鄰邻 釐厘 鋼钢 錄录 鏈链 鐘钟 闊阔 階阶 雖虽 雲云 韓韩 頒颁 頭头 頓顿 顏颜 飾饰 騰腾 驅驱 鬧闹
麗丽 臺台 灣湾 樂乐 幹干 亂乱 倉仓 傷伤 僱雇 劑剂 卻却 嚴严 圖图 圓圆 堅坚 墊垫 壞坏 夠够 奪夺
奮奋 孫孙 寧宁 寬宽 審审 寫写 將将 專专 尋寻 屆届 嶺岭 彈弹 徑径 復复 徹彻 愛爱 慣惯 憑凭 損损
換换 揮挥 擊击 擬拟 攝摄 敗败 暢畅 棄弃 榮荣 歐欧 殺杀 毀毁 滅灭 漁渔 潔洁 澤泽 濕湿 燈灯 營营
爐炉 牆墙 畝亩 異异 盜盗 碼码 禍祸 穀谷 竊窃 糾纠 紙纸 紛纷 終终 絲丝 綱纲 緒绪 緣缘 纖纤 習习
聖圣 聞闻 聰聪 脈脉 臨临 莊庄 藍蓝 虛虚 衝冲 視视 觸触 託托 訪访 詢询 語语 謝谢 謹谨 譯译 讚赞
負负 財财 貢贡 販贩 貴贵 賀贺 賓宾 賢贤 賣卖 質质 賴赖 贈赠 蹤踪 軟软 輩辈 輯辑 辭辞 邏逻 醞酝
釀酿 鋪铺 錦锦 鎖锁 鏡镜 鑑鉴 陸陆 陰阴 隸隶 離离 霧雾 頑顽 頗颇 顆颗 飽饱 餘余 饑饥 駐驻 駕驾
驚惊 鬆松 魯鲁 鮮鲜 鹼碱 麥麦 齒齿 缐线 蓄蓄 衆众 準准 劃划 區区 績绩 壩坝 堤堤 濱滨 灘滩 瀕濒
溝沟 滬沪 橫横 縱纵 邊边 蠶蚕 畜畜 牽牵 犧牺 獸兽 瑩莹 禦御 穩稳 蘋苹 藥药 虧亏 襲袭 訴诉 該该
誘诱 謂谓 證证 鎮镇 閘闸 闡阐 陝陕 隊队 靜静 頸颈 題题 額额 類类 顯显 饋馈 驗验 鬥斗 鴻鸿 齡龄
"""

T2S = {ord(pair[0]): pair[1] for pair in _T2S_PAIRS.split() if len(pair) == 2 and pair[0] != pair[1]}

# Emoji, pictographs, dingbats (★ ☆ ✔ …), variation selectors, zero-width joiners, BOM, soft hyphen.
_NOISE = re.compile(
    "[\U0001F000-\U0001FAFF\U00002600-\U000027BF\U00002B00-\U00002BFF\U0001F1E6-\U0001F1FF"
    "\uFE00-\uFE0F\u200B-\u200F\u2060-\u2064\uFEFF\u00AD\U000E0000-\U000E007F]+"
)
_SPACE = re.compile(r"\s+")
# Trailing score/weight/remark decorations on category names: "产出指标(50分)", "成本指标(0-20)分",
# "项目产出(权重25)", "数量指标(或建筑规模指标)".
_DECORATION = re.compile(r"(?:[(][^()]*[)]分?)+$")


@lru_cache(maxsize=8192)
def fold(text: str | None) -> str:
    """The matching form of a text (see the module docstring). Never raises."""
    if not text:
        return ""
    out = unicodedata.normalize("NFKC", text).translate(T2S)
    out = _NOISE.sub("", out)
    return _SPACE.sub("", out)


def split_decoration(text: str) -> tuple[str, str]:
    """'项目产出(权重25)' (folded) -> ('项目产出', '(权重25)')."""
    m = _DECORATION.search(text)
    if not m or m.start() == 0:
        return text, ""
    return text[: m.start()], text[m.start():]


@lru_cache(maxsize=2048)
def fold_category(text: str | None) -> str:
    """A 一级/二级 name for lookup: folded, without decorations."""
    return split_decoration(fold(text))[0]


def shorten(text: str, limit: int = 60) -> str:
    """The original text for quoting in a message, cut (with its length said) when very long."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return SHORTENED.format(head=text[:limit], length=len(text))


def shorten_tail(text: str, limit: int = 30) -> str:
    """Like shorten, but keeps the end (where a truncated text stops)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return SHORTENED_TAIL.format(tail=text[-limit:], length=len(text))

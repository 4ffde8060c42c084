"""What each audit action means, in Japanese and English: the timeline of a case and the
audit log show these labels, never the raw codes. A test checks every action recorded
anywhere in desk has a label here."""

from __future__ import annotations

from desk.catalogue import Entry

ACTIONS: dict[str, Entry] = {
    e.code: e
    for e in [
        # cases
        Entry("case.opened", "受付", "Case opened"),
        Entry("case.transition", "状態を変更", "Status changed"),
        Entry("case.assigned", "担当者を設定", "Assignee set"),
        Entry("case.extended", "回答期限を延長", "Deadline extended"),
        Entry("case.note_added", "メモを追加", "Note added"),
        Entry("case.possible_duplicate", "重複の可能性を検出", "Possible duplicate flagged"),
        Entry("intake.submitted", "請求を受付（ウェブ・API）", "Request received (web form or API)"),
        Entry(
            "intake.registered",
            "郵送等で届いた請求を登録",
            "Request registered (post, fax, e-mail or counter)",
        ),
        # identity and documents
        Entry("identity.addresses_recorded", "住所を照合", "Addresses recorded"),
        Entry("identity.confirmed", "本人確認済", "Identity confirmed"),
        Entry("identity.unidentified", "本人確認できず", "Cannot be identified"),
        Entry("identity.counter_checked", "窓口で本人確認書類を確認", "Identity document checked at the counter"),
        Entry("identity.addresses_linked", "住所のつながりを書類で確認", "Addresses linked by a document"),
        Entry("proxy.confirmed", "代理権を確認", "Proxy authority confirmed"),
        Entry("proxy.unconfirmed", "代理権を確認できず", "Proxy authority not confirmed"),
        Entry("document.reviewed", "書類を確認", "Document reviewed"),
        Entry("document.added", "書類を追加（職員）", "Document added by staff"),
        Entry("document.sent_by_requester", "書類を受領（状況確認ページから）", "Document sent from the status page"),
        Entry("document.viewed", "書類を閲覧", "Document viewed"),
        Entry("document.masked", "書類を塗りつぶし", "Document masked"),
        Entry("document.attached", "ファイルを添付", "File attached"),
        # fees, data, decisions
        Entry("fee.payment_recorded", "手数料の入金を記録", "Fee payment recorded"),
        Entry("fee.recorded", "同封の手数料を記録", "Enclosed fee recorded"),
        Entry("data.searched", "保有データを調査", "Data searched"),
        Entry("data.disclosed_table", "開示データを記録", "Disclosed data recorded"),
        Entry("decision.drafted", "決定を起案", "Decision drafted"),
        Entry(
            "lapse.proposed",
            "期限経過のため「請求なしとして終了」を責任者に回付",
            "Lapse proposed to a supervisor (due date passed)",
        ),
        Entry(
            "lapse.returned",
            "「請求なしとして終了」を差し戻し、新しい期限を設定",
            "Lapse not approved; new due date given",
        ),
        # inquiries and complaints
        Entry("inquiry.received", "問い合わせ・苦情を受付", "Inquiry received"),
        Entry("inquiry.assigned", "問い合わせの担当者を設定", "Inquiry assignee set"),
        Entry("inquiry.answered", "問い合わせに回答", "Inquiry answered"),
        Entry("inquiry.reply_queued", "問い合わせへの回答書を発送待ちに追加", "Inquiry reply letter queued"),
        Entry("inquiry.letter_viewed", "問い合わせへの回答書を表示", "Inquiry reply letter viewed"),
        Entry("inquiry.closed", "問い合わせを終了", "Inquiry closed"),
        Entry("inquiry.reopened", "問い合わせを対応中に戻す", "Inquiry reopened"),
        Entry("inquiry.attachment_added", "問い合わせにファイルを添付", "File attached to an inquiry"),
        Entry("inquiry.attachment_viewed", "問い合わせの添付ファイルを閲覧", "Inquiry attachment viewed"),
        Entry("inquiry.case_opened", "問い合わせから請求の案件を開始", "Case opened from the inquiry"),
        Entry(
            "inquiry.from_case", "法定の請求に当たらない案件を問い合わせとして引継ぎ", "Inquiry carried on from a case"
        ),
        Entry("inquiry.disposed", "問い合わせの記録を廃棄", "Inquiry disposed of"),
        Entry("inquiries.exported", "問い合わせ・苦情の一覧を出力", "Inquiries exported"),
        Entry("case.from_inquiry", "問い合わせから請求として受付", "Case opened from an inquiry"),
        Entry("fee.refunded", "手数料を返還（法定の請求に当たらない）", "Fee refunded (not a statutory request)"),
        # letters
        Entry("letter.queued", "通知書を発送待ちに追加", "Letter queued"),
        Entry("letter.rendered", "通知書を作成", "Letter rendered"),
        Entry("letter.viewed", "通知書を表示", "Letter viewed"),
        Entry("letter.read", "送付済みの通知書を表示", "Sent letter opened"),
        Entry("letter.print_run", "本日の発送分を印刷", "Print run printed"),
        Entry("letter.withdrawn", "発送待ちの通知書を取り下げ", "Queued letter withdrawn"),
        Entry("letter.dispatched", "回答書を発送・保存", "Reply dispatched and kept"),
        Entry("letter.not_stored", "回答書を保存できず", "Reply could not be kept"),
        # the requester's own page and electronic delivery
        Entry("requester.answered", "請求者が質問に回答（状況確認ページから）", "Requester answered (status page)"),
        Entry("requester.withdrew", "請求者が請求を取り下げ（状況確認ページから）", "Requester withdrew (status page)"),
        Entry("access_code.reissued", "アクセスコードを再発行", "Access code reissued"),
        Entry("access_code.reissue_refused", "アクセスコードの再発行を拒否", "Access code reissue refused"),
        Entry("delivery.published", "回答を状況確認ページで公開（電磁的記録）", "Reply published electronically"),
        Entry("delivery.downloaded", "請求者が回答をダウンロード", "Reply downloaded by the requester"),
        Entry("delivery.shredded", "電子交付のファイルを消去", "Electronic delivery package shredded"),
        # suppression
        Entry("suppression.added", "提供停止名簿に登録", "Added to the suppression register"),
        Entry("suppression.not_added", "提供停止名簿への登録なし", "Not added to the suppression register"),
        Entry("suppression.imported", "提供停止名簿を取込み", "Suppression register imported"),
        Entry("suppression.screened", "名簿を照合", "List screened"),
        Entry("suppression.result_read", "照合結果を取得", "Screening result downloaded"),
        # records of provision and receipt
        Entry("provisions.counterparty_added", "提供先・提供元を登録", "Counterparty added"),
        Entry("provisions.counterparty_changed", "提供先・提供元を変更", "Counterparty changed"),
        Entry("provisions.recorded", "第三者提供・受領を記録", "Provision or receipt recorded"),
        Entry("provisions.held", "提供記録を保全", "Provision record held"),
        Entry("provisions.released", "提供記録の保全を解除", "Provision record hold released"),
        Entry("provisions.disposed", "提供記録を廃棄", "Provision record disposed of"),
        Entry(
            "provisions.disclosure_confirmed", "第三者提供記録の照合結果を確定", "Search of provision records confirmed"
        ),
        Entry("provisions.exported", "提供記録を出力", "Provision records exported"),
        # marketing consent
        Entry("consent.requested", "配信登録の申込み（確認メール送信）", "Marketing sign-up asked (confirmation sent)"),
        Entry("consent.given", "広告・宣伝の同意を記録", "Marketing consent recorded"),
        Entry("consent.withdrawn", "配信停止を記録", "Marketing opt-out recorded"),
        Entry("consent.imported", "同意の記録を取込み", "Consent records imported"),
        Entry("consent.exported", "同意の記録を出力", "Consent log exported"),
        Entry("consent.disposed", "同意の記録を廃棄", "Consent records disposed of"),
        # retention
        Entry("retention.hold_placed", "訴訟等による保存（リーガルホールド）を設定", "Legal hold placed"),
        Entry("retention.hold_released", "リーガルホールドを解除", "Legal hold released"),
        Entry("retention.disposal_run", "保存期間満了による廃棄を実行", "Disposal run"),
        # oversight and staff
        Entry("register.exported", "受付台帳を出力", "Register exported"),
        Entry("settings.updated", "設定を変更", "Settings changed"),
        Entry("staff.created", "職員を追加", "Staff added"),
        Entry("staff.login", "サインイン", "Signed in"),
        Entry("staff.logout", "サインアウト", "Signed out"),
        Entry("staff.login_failed", "サインイン失敗", "Sign-in failed"),
        Entry(
            "staff.login_refused_locked",
            "待ち時間中のためサインイン拒否",
            "Sign-in refused: too soon after wrong attempts",
        ),
        Entry("staff.password_set", "パスワードを設定", "Password set"),
        Entry("staff.password_changed", "本人がパスワードを変更", "Own password changed"),
        Entry(
            "staff.password_change_refused",
            "パスワード変更を拒否（今のパスワードの誤り）",
            "Password change refused (wrong current password)",
        ),
        Entry("staff.totp_enabled", "2段階認証をオン", "Two-step sign-in turned on"),
        Entry("staff.totp_disabled", "2段階認証をオフ", "Two-step sign-in turned off"),
        Entry("staff.recovery_code_used", "回復コードでサインイン", "Signed in with a recovery code"),
        Entry("staff.recovery_codes_renewed", "回復コードを作り直し", "Recovery codes renewed"),
        Entry("staff.password_reset", "パスワードを再設定", "Password reset"),
        Entry("staff.role_changed", "役割を変更", "Role changed"),
        Entry("staff.deactivated", "職員を無効化", "Staff deactivated"),
        Entry("staff.reactivated", "職員を再有効化", "Staff reactivated"),
        # the API (desk/api)
        Entry("api.key_created", "APIキーを発行", "API key made"),
        Entry("api.key_revoked", "APIキーを無効化", "API key revoked"),
        Entry("api.key_used", "APIキーで操作", "API key used"),
        Entry(
            "api.key_refused",
            "APIキーでの操作を拒否（期限切れ・無効化済み・権限なし）",
            "API key refused (expired, revoked or out of scope)",
        ),
        # the trail itself
        Entry("audit.keyed", "監査ログを鍵付きの連鎖に移行", "Audit trail moved to a keyed chain"),
    ]
}


def action_label(code: str, lang: str) -> str:
    entry = ACTIONS.get(code)
    return entry.label(lang) if entry else code

"""The Gradio chat: a thin layer over :meth:`Assistant.ask_stream`.

No retrieval or answering happens here: the chat passes the question and the earlier
questions of the conversation to the assistant, shows the streamed text, and replaces it
with the final :class:`~assistant.types.Answer` (the only authoritative text) and its
numbered sources. Two layouts share the logic: the full page (``/``) and the compact one
for the widget's iframe (``/embed``).
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import gradio as gr

from ..errors import AssistantError
from ..feedback import HELPFUL, NOT_HELPFUL, REASONS, FeedbackEntry, FeedbackStore
from ..pipeline import Assistant
from ..types import Answer
from ..unanswered import UnansweredLog
from .gate import BUSY, Availability, BusyGate
from .render import answer_html, esc, notice_html, pending_html, user_html

log = logging.getLogger(__name__)

FEEDBACK_ASK = "这条回答对您有帮助吗？"
FEEDBACK_ASK_SHORT = "回答有帮助吗？"
FEEDBACK_THANKS = "谢谢您的反馈！"
FEEDBACK_REASON_THANKS = "谢谢！我们会根据您的意见改进。"

#: Turns a conversation keeps (the oldest go first) and the longest answer text a rating stores.
MAX_TURNS = 40
FEEDBACK_TEXT_MAX = 2000

Turn = dict[str, Any]
Messages = list[dict[str, str]]


def intro_html(assistant: Assistant) -> str:
    identity, say = assistant.identity, assistant.wording
    scope = f"比如{esc(identity.scope)}" if identity.scope else ""
    return (
        f'<p class="intro">您好！我是{esc(identity.name)}。您可以问我{esc(identity.short_name)}里的内容{scope}。'
        f"每个回答都注明出自{esc(identity.source_name)}的哪一部分，"
        f"点开就能看到原文。与{esc(identity.short_name)}无关的事项，请拨打{esc(identity.referral)}。</p>"
        f'<p class="notice" role="note">{esc(say("notice"))}</p>'
    )


def privacy_html(retention_days: int, assistant: Assistant, unanswered: bool = False) -> str:
    identity, say = assistant.identity, assistant.wording
    contact = f"请联系{esc(identity.issuer)}，或拨打{esc(identity.referral)}" if identity.issuer else f"请拨打{esc(identity.referral)}"
    except_ = esc(say("privacy_unanswered_except")) if unanswered else ""
    record = f'<p class="privacy-unanswered">{esc(say("privacy_unanswered", days=int(retention_days)))}</p>' if unanswered else ""
    return (
        '<div class="privacy">'
        "<p>使用本服务不需要登录。我们<strong>不记录</strong>您的IP地址、设备信息或其他能识别您身份的信息；"
        f"对话内容不会保存{except_}，只显示在您打开的页面里，关闭页面或点“新对话”后即清除。</p>"
        "<p>只有当您点“有帮助”或“没帮助”时，系统才<strong>匿名</strong>保存这条问题（其中的身份证号、手机号会被自动隐去）、"
        f"回答和您的评价，用于改进服务，<strong>保存{int(retention_days)}天</strong>后自动删除。</p>"
        f"{record}"
        f"<p>如有疑问或希望删除，{contact}。</p>"
        "</div>"
    )


class ChatService:
    """The chat's event handlers, shared by the full page and the embedded chat."""

    def __init__(self, assistant: Assistant, gate: BusyGate, feedback: FeedbackStore,
                 health: Availability | None = None, unanswered: UnansweredLog | None = None) -> None:
        self.assistant = assistant
        self.gate = gate
        self.feedback = feedback
        self.health = health or Availability(lambda: assistant.index)
        self.unanswered = unanswered

    def maintenance(self) -> str | None:
        """The maintenance notice while the index cannot be opened, else None."""
        return self.assistant.wording("maintenance") if self.health.problem is not None else None

    @property
    def limit(self) -> int:
        return self.assistant.settings.max_question_chars

    # ------------------------------------------------------------------ turns
    @staticmethod
    def messages(turns: list[Turn]) -> Messages:
        out: Messages = []
        for t in turns:
            out.append({"role": "user", "content": t["html_q"]})
            out.append({"role": "assistant", "content": t["html_a"]})
        return out

    def _turn(self, question: str, answer: Answer | None = None, *, text: str = "", kind: str | None = None,
              in_history: bool = False) -> Turn:
        if answer is not None:
            citations = [c.to_json() for c in answer.citations]
            return {
                "id": uuid.uuid4().hex, "question": question, "answer": answer.text,
                "refused": answer.refused, "refusal_kind": answer.refusal_kind, "citations": citations,
                "in_history": in_history, "html_q": user_html(question, self.limit),
                "html_a": answer_html(answer.text, citations, answer.notice, refused=answer.refused),
            }
        return {
            "id": uuid.uuid4().hex, "question": question, "answer": text, "refused": True,
            "refusal_kind": kind, "citations": [], "in_history": False,
            "html_q": user_html(question, self.limit), "html_a": answer_html(text, [], "", refused=True),
        }

    # ------------------------------------------------------------------ chat
    def chat(self, question: str | None, turns: list[Turn] | None,
             channel: str = "web") -> Iterator[tuple[str, Messages, list[Turn]]]:
        """Stream one answer. Yields (cleared question box, chat messages, conversation state)."""
        # a lone surrogate (possible in JSON) cannot be shown or stored: replaced
        question = (question or "").strip().encode("utf-8", "replace").decode("utf-8")
        turns = list(turns or [])[-(MAX_TURNS - 1):]
        if not question:
            yield "", self.messages(turns), turns
            return
        if len(question) > self.limit:  # refused here, before any work; only its opening is kept
            turns.append(self._turn(question[:self.limit], text=self.assistant.wording("too_long", limit=self.limit),
                                    kind="too_long"))
            yield "", self.messages(turns), turns
            return
        notice = self.maintenance()
        if notice is not None:
            turns.append(self._turn(question, text=notice, kind="error"))
            yield "", self.messages(turns), turns
            return
        shown = self.messages(turns) + [{"role": "user", "content": user_html(question, self.limit)}]
        yield "", shown + [{"role": "assistant", "content": pending_html()}], turns

        history = [t["question"] for t in turns if t.get("in_history")]
        with self.gate.slot(len(question)) as admitted:
            if not admitted:
                turns.append(self._turn(question, text=BUSY, kind="busy"))
                yield "", self.messages(turns), turns
                return
            partial = ""
            answer: Answer | None = None
            try:
                for event in self.assistant.ask_stream(question, history):
                    if isinstance(event, Answer):
                        answer = event
                        break
                    partial += event
                    yield "", shown + [{"role": "assistant", "content": pending_html(partial)}], turns
            except AssistantError as err:
                log.error("chat: %s", err)
                turns.append(self._turn(question, text=f"抱歉，暂时无法回答：{err}", kind="error"))
            except Exception:  # the visitor gets a sentence, the log the traceback
                log.exception("chat failed")
                turns.append(self._turn(question, text=self.assistant.wording("failed"), kind="error"))
            else:
                if answer is None:  # ask_stream always ends with the Answer; be safe anyway
                    turns.append(self._turn(question, text=self.assistant.wording("failed"), kind="error"))
                else:
                    # Only the final Answer is authoritative: it replaces the streamed text.
                    turns.append(self._turn(question, answer, in_history=answer.refusal_kind not in ("too_long", "empty")))
                    if self.unanswered is not None:
                        self.unanswered.answered(turns[-1]["id"], question, answer, channel)
        yield "", self.messages(turns), turns

    # ------------------------------------------------------------------ feedback
    def _entry(self, turn: Turn, channel: str) -> FeedbackEntry:
        try:
            build: str | None = self.assistant.index.build_id
        except AssistantError:  # the index could not be opened: store the rating anyway
            build = None
        return FeedbackEntry(  # bounded texts: at most a question's length and FEEDBACK_TEXT_MAX
            id=turn["id"], question=turn["question"][:self.limit], answer=turn["answer"][:FEEDBACK_TEXT_MAX],
            refused=turn["refused"],
            refusal_kind=turn["refusal_kind"], citations=turn["citations"], index_build=build, channel=channel,
        )

    @staticmethod
    def _find(turns: list[Turn] | None, turn_id: str | None) -> Turn | None:
        return next((t for t in turns or [] if t["id"] == turn_id), None)

    def rate(self, turn: Turn, rating: str, channel: str) -> None:
        try:
            self.feedback.record(self._entry(turn, channel), rating)
        except Exception:  # feedback must never break the chat
            log.exception("could not store feedback")
        if self.unanswered is not None:
            self.unanswered.rated(turn["id"], turn["question"], rating, turn["refusal_kind"], turn["citations"], channel)

    def set_reason(self, turn_id: str | None, reason: object) -> bool:
        """Store one of REASONS for the answer; anything else is refused (False), unlogged."""
        if not isinstance(turn_id, str) or not isinstance(reason, str) or reason not in REASONS:
            return False
        try:
            self.feedback.set_reason(turn_id, reason)
        except Exception:
            log.exception("could not store the feedback reason")
        if self.unanswered is not None:
            self.unanswered.reason(turn_id, reason)
        return True

    def withdraw(self, turn_id: str) -> None:
        try:
            self.feedback.withdraw(turn_id)
        except Exception:
            log.exception("could not withdraw feedback")
        if self.unanswered is not None:
            self.unanswered.withdrawn(turn_id)


def build_chat(service: ChatService, *, compact: bool, retention_days: int) -> gr.Blocks:
    """The chat page; ``compact`` is the layout for the widget's iframe (``/embed``)."""
    channel = "embed" if compact else "web"
    limit = service.limit

    assistant = service.assistant
    identity = assistant.identity
    title, examples = identity.title, identity.examples
    with gr.Blocks(title=title, analytics_enabled=False) as demo:
        turns = gr.State([])
        target = gr.State(None)  # id of the answer the feedback panel is about

        if compact:  # the widget's panel shows the title; screen readers still get a heading
            gr.HTML(f'<h1 class="visually-hidden">{esc(title)}</h1>', elem_id="top", padding=False)
        else:
            gr.HTML(f'<h1 class="page-title">{esc(title)}</h1>{intro_html(assistant)}', elem_id="top")
        down = service.maintenance()
        maintenance = gr.HTML(notice_html(down or ""), elem_id="maintenance", visible=down is not None)

        def feedback_panel():  # type: ignore[no-untyped-def]
            with gr.Group(visible=False, elem_id="feedback") as panel:
                with gr.Row(elem_id="fb-row", equal_height=True):
                    prompt = gr.HTML(f'<p class="feedback-ask">{FEEDBACK_ASK_SHORT if compact else FEEDBACK_ASK}</p>',
                                     elem_id="fb-prompt")
                    yes = gr.Button("有帮助", elem_id="fb-yes", size="md", min_width=88, scale=0)
                    no = gr.Button("没帮助", elem_id="fb-no", size="md", min_width=88, scale=0)
                reason = gr.Radio(list(REASONS), label="没帮助的原因（可选）", visible=False, elem_id="fb-reason")
            return panel, prompt, yes, no, reason

        # compact: examples, chat, feedback and question box share the iframe's height (chat.css)
        with gr.Column(elem_id="stage") if compact else contextlib.nullcontext():
            with gr.Group(elem_id="examples") as examples_box:
                gr.HTML('<p class="examples-head">可以这样问（点一下就提问）：</p>')
                with gr.Row(elem_id="example-row"):
                    example_buttons = [
                        gr.Button(q, size="md", elem_classes=["example-q"], min_width=100, scale=0) for q in examples
                    ]

            chatbot = gr.Chatbot(
                label="对话",
                show_label=False,
                elem_id="chat",
                elem_classes=["compact-chat"] if compact else None,
                height="100%" if compact else "min(62vh, 640px)",
                min_height=160 if compact else 360,
                render_markdown=False,  # our HTML (escaped text) is rendered as it is …
                sanitize_html=True,  # … and sanitized again in the browser
                allow_tags=False,
                latex_delimiters=[],
                line_breaks=False,
                feedback_options=("Like", "Dislike"),
                buttons=[],
                layout="panel" if compact else "bubble",
                autoscroll=True,
                placeholder=(f"您好！请问关于{identity.short_name}的问题，回答都注明原文出处。" if compact
                             else "请在下方输入问题，或点上面的示例问题。"),
            )
            if compact:
                panel, prompt, yes, no, reason = feedback_panel()
            with gr.Row(elem_id="ask-row", equal_height=True):
                question = gr.Textbox(
                    label="请输入您的问题",
                    show_label=not compact,
                    container=not compact,
                    placeholder=f"例如：{examples[0]}" if examples and not compact else "请输入您的问题",
                    lines=1,
                    max_lines=4,
                    max_length=limit,
                    elem_id="question",
                    scale=5,
                    min_width=140,
                )
                send = gr.Button("提问", variant="primary", elem_id="send", scale=0, min_width=72)
                if compact:
                    new = gr.Button("新对话", variant="secondary", elem_id="new-chat", scale=0, min_width=88)
        if not compact:
            with gr.Row(elem_id="tools"):
                new = gr.Button("新对话", variant="secondary", elem_id="new-chat", size="md", min_width=100, scale=0)
            panel, prompt, yes, no, reason = feedback_panel()

        with gr.Accordion("隐私说明：我们保存什么、保存多久、找谁咨询", open=False, elem_id="privacy"):
            gr.HTML((f'<p class="notice" role="note">{esc(assistant.wording("notice"))}</p>' if compact else "") + privacy_html(retention_days, assistant, service.unanswered is not None and service.unanswered.enabled))

        # ---------------------------------------------------------------- events
        ask_html = f'<p class="feedback-ask">{FEEDBACK_ASK_SHORT if compact else FEEDBACK_ASK}</p>'
        thanks_html = f'<p class="feedback-ask" role="status">{FEEDBACK_THANKS}</p>'

        def chat(question: str | None, state: list[Turn] | None) -> Iterator[tuple[str, Messages, list[Turn]]]:
            yield from service.chat(question, state, channel)

        def after_answer(state: list[Turn]):  # type: ignore[no-untyped-def]
            last = state[-1] if state else None
            show = last is not None and last.get("refusal_kind") != "busy"
            return (
                last["id"] if show else None,
                gr.Group(visible=show),
                ask_html,
                gr.Radio(visible=False, value=None),
                gr.Group(visible=not (compact and state)),
            )

        chat_args: dict[str, Any] = {
            "fn": chat,
            "inputs": [question, turns],
            "outputs": [question, chatbot, turns],
            "concurrency_id": "chat",
            # no limit in Gradio: every chat reaches the gate at once, which answers, queues (for at
            # most its timeout) or gives the Chinese busy message; Gradio's threads are sized for it
            "concurrency_limit": None,
            "show_progress": "hidden",
        }
        feedback_outputs = [target, panel, prompt, reason]
        gr.on(triggers=[question.submit, send.click], api_name="chat", **chat_args).then(
            after_answer, turns, feedback_outputs + [examples_box], api_visibility="private", queue=False
        )
        for button, text in zip(example_buttons, examples):
            button.click(lambda text=text: text, None, question, api_visibility="private", queue=False).then(
                api_visibility="private", **chat_args
            ).then(after_answer, turns, feedback_outputs + [examples_box], api_visibility="private", queue=False)

        def new_conversation():  # type: ignore[no-untyped-def]
            return "", [], [], None, gr.Group(visible=False), gr.Group(visible=True)

        new.click(new_conversation, None, [question, chatbot, turns, target, panel, examples_box],
                  api_visibility="private", queue=False)

        def cleared():  # type: ignore[no-untyped-def]
            return [], None, gr.Group(visible=False), gr.Group(visible=True)

        chatbot.clear(cleared, None, [turns, target, panel, examples_box], api_visibility="private", queue=False)

        def on_like(state: list[Turn], data: gr.LikeData):  # type: ignore[no-untyped-def]
            index = data.index if isinstance(data.index, int) else data.index[0]
            turn = state[index // 2] if state and 0 <= index // 2 < len(state) else None
            if turn is None:
                return gr.skip(), gr.skip(), gr.skip(), gr.skip()
            if data.liked is True:
                service.rate(turn, HELPFUL, channel)
                return turn["id"], gr.Group(visible=True), thanks_html, gr.Radio(visible=False, value=None)
            if data.liked is False:
                service.rate(turn, NOT_HELPFUL, channel)
                return turn["id"], gr.Group(visible=True), thanks_html, gr.Radio(visible=True, value=None)
            service.withdraw(turn["id"])  # the visitor clicked the same thumb again
            return turn["id"], gr.skip(), ask_html, gr.Radio(visible=False, value=None)

        chatbot.like(on_like, turns, feedback_outputs, api_visibility="private", queue=False)

        def helpful(turn_id: str | None, state: list[Turn]):  # type: ignore[no-untyped-def]
            turn = service._find(state, turn_id)
            if turn is not None:
                service.rate(turn, HELPFUL, channel)
            return thanks_html, gr.Radio(visible=False, value=None)

        def not_helpful(turn_id: str | None, state: list[Turn]):  # type: ignore[no-untyped-def]
            turn = service._find(state, turn_id)
            if turn is not None:
                service.rate(turn, NOT_HELPFUL, channel)
            return thanks_html, gr.Radio(visible=True, value=None)

        def with_reason(turn_id: str | None, value: object) -> str:
            if service.set_reason(turn_id, value):
                return f'<p class="feedback-ask" role="status">{FEEDBACK_REASON_THANKS}</p>'
            return f'<p class="feedback-ask" role="status">{esc(assistant.wording("reason_unknown"))}</p>'

        yes.click(helpful, [target, turns], [prompt, reason], api_visibility="private", queue=False)
        no.click(not_helpful, [target, turns], [prompt, reason], api_visibility="private", queue=False)
        # preprocess=False: a value that is no choice reaches with_reason (refused there) instead of
        # raising in Gradio's Radio, which printed the whole value with a traceback
        reason.input(with_reason, [target, reason], prompt, api_visibility="private", queue=False, preprocess=False)

        def prefill(request: gr.Request):  # type: ignore[no-untyped-def]
            """``/embed?q=…`` (the widget's data-question) puts a question in the box, unsent.
            Without ``q`` the box is left alone (a visitor may already be typing). The
            maintenance notice shows whether the index can be opened now."""
            q = (request.query_params.get("q", "") if request is not None else "").strip()[:limit]
            down = service.maintenance()
            return (q if q else gr.skip()), gr.HTML(notice_html(down or ""), visible=down is not None)

        demo.load(prefill, None, [question, maintenance], api_visibility="private", queue=False)
    return demo

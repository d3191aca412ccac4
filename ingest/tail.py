"""Where the story ends: what sites and aggregators append after it, and is not story.

After the last paragraph of a story, pages and feeds append material of a few kinds, in
any markup and wording: questions put to the reader or to a search engine ("What were the
key results of ...?", "What does this mean for ...?") with a paragraph or two of fluff,
FAQ blocks, invented interviews (speaker-labelled turns), "Also read" / "Related" / "More
from" lists, newsletter, app and tip prompts, author bios, credit and copyright lines
("Reporting by ...; Editing by ...", "[Editor: ...]"), disclaimers ("This article was
generated / rewritten ..."), and comment-form remnants. Most are told by what kind of text
they are, not by their wording: the page talking to its reader about the medium ("Tap to
listen", "Follow ... in the app", "If you found this useful, support ..."), the page
speaking of itself (updated, developing, syndicated, who paid for it), a writer signing
off, endnotes and citations.

The rule (pure, on the plain texts of the body's blocks): the tail starts at the earliest
block, after some story, from which every block is either one of those kinds or an answer:
prose after a question or a speaker turn, or a short item after a heading. A tail is never
longer than the story before it, so a rhetorical question early in a story cuts nothing.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable

from ingest import repeats, tail_model
from ingest.dateline import known_places
from ingest.either import Either, at_word_start
from ingest.shown import quote
from ingest.tags import title_case
from ingest.wordcount import ENDS_SENTENCE, size, typewriter

END = "at the end:"  # how this module's notes begin, for `communique check`
MIN_STORY_WORDS = 50  # appended material follows a story; before this much it is the story
MAX_TAIL_BLOCKS = 40  # appended material is a few blocks; a table of 288 cells is content
MAX_TAIL_QUESTIONS = 10  # generated Q&A asks a handful; a real interview asks more
MAX_ANSWER_AFTER_HEADING = 25
MAX_BARE_LINES = 2  # short lines alone at the end (a sign-off, a credit) are appended

_QUESTION = re.compile(r"\?[\"”’)]?\s*$")
_LABEL = re.compile(r"^([A-Z][\w.'’&-]*(?: [A-Z&][\w.'’&-]*){0,4})\s*(?::|—|–)\s+(?=\S)")
_QA_MARK = re.compile(r"^(?:q|a|question|answer)\s*[:.)]\s*", re.I)
# A one-sentence question and its answer's mark in the same block: "Q: Can ...? A: No. ...".
# (A briefing's "Q: Media reported ... Can you confirm? A: ..." puts its own case first.)
_FAQ_ENTRY = re.compile(
    r"^(?:[A-Z][\w'’ ]{0,30}\s*[:—–|]\s*)?(?:q|question)\s*[:.)]\s*[^.?!]{5,200}\?\s+"
    r"(?:a|answer)\s*[:.)]\s",
    re.I,
)  # (after a box's label too: "EXPERT OPINION — Q: ...? A: ...")
# Who reported, wrote and edited: a credit, whatever verbs its names look like ("editing
# by Omar Said").
_WHO_REPORTED = re.compile(
    r"[(\[—–-]?\s*(?:(?:additional |further )?reporting|writing|editing)(?: and \w+)? by\b", re.I
)
_CREDIT = Either(
    r"^[(\[—–-]?\s*(?:(?:additional |further )?reporting|writing|editing|compiled|translated"
    r"|produced|edited|contributing|research)(?: and \w+)? by\b"
    r"|^[(\[]?\s*(?:web |copy |chief |managing |news )?editors?\s*:"
    r"|^(?:source|sources|via|distributed by|copyright\b|©)"
    # "(By Joseph Yeh)", "(Japanese original by ...)": the writer, after the story.
    r"|^[(\[]\s*(?:[\w-]+ original )?by [\w.'’-]+(?: [\w.'’-]+){0,4}\s*[,)\]]"
    # "Published in The Express Tribune, March 4th, 2025." (a print edition's date line)
    r"|^(?:published|printed) in (?:the )?[\w .'’-]{2,40},? (?:on )?(?:\w+ )?\d{1,2}"
    r"|^[a-z]{1,4}(?:/[a-z]{1,4})+\s*\([\w.&, -]{2,60}\)$"  # editors' initials: "ss/rc (AP, dpa)"
    r"|^[(\[]\s*(?:[$€£¥₩₹]|[A-Z]{3})?\s*1\s*(?:[A-Za-z]{1,10}\s*)?=\s*[$€£¥₩₹]?\s*[\d.,]+"
    r"|^this (?:report|story|article) (?:is|was) based on\b|\btrust principles\b"
    r"|^our (?:editorial )?standards\b|^all rights reserved\b"
    r"|^[(\[]?\s*with (?:inputs|input|reporting|files|(?:additional )?information|material"
    r"|details|agency reports) from\b|^provided by\b"
    r"|\b(?:licensing|syndication|reprints?|republication|permissions?)\b[^.]{0,50}"
    r"\b(?:contact|e-?mail|write to|visit)\b"
    r"|^(?:photo|image|picture|video)s? (?:credits?|courtesy)\b|^credits?\s*:"
    r"|\bphoto(?:graph)? by [^.]{2,60} on (?:unsplash|pexels|flickr)\b"
    r"|\b(?:figures|prices|data|quotes|rates) (?:are )?(?:as of|as at|at close)\b"
    r"|\b(?:originally|first) (?:appeared|published|ran|reported|posted) (?:on|in|at|by)\b"
    r"|\b(?:image|photo|picture|illustration)s? (?:was |is )?(?:generated|created|made) "
    r"(?:with|by|using) (?:ai|artificial intelligence)\b|\bfor illustrative purposes\b"
    r"|^(?:suggested citation|cite (?:this|as)|how to cite)\b"
    r"|^translated (?:from [\w ]{2,20} )?by\b|^(?:con información de|com informações d[aeo]s?"
    r"|avec (?:l'|les )?(?:afp|reuters|ap)\b|mit material von)\b"
    r"|^(?:data|chart|graphic|figures|prices)\s*:"
    r"|\b(?:data|prices|quotes|figures|charts?|graphics?|photos?|images?|maps?)\b[\w ]{0,20}"
    r"\b(?:provided|supplied|powered) by\b|\bdelayed by (?:at least )?\d+ min"
    # Who else worked on it: "AP writers ... contributed to this report", "Some information
    # for this report came from ...", "(FRANCE 24 with AFP)", "Read the original article on".
    r"|\bcontributed (?:(?:additional )?reporting )?(?:to|for) this (?:report|story|article)\b"
    r"|^(?:additional )?reporting (?:was )?contributed by\b"
    r"|\binformation (?:for|in) this (?:report|story|article) (?:came|comes|was provided) from\b"
    r"|^[(\[]?\s*[\w .'’-]{2,30} with (?:afp|ap|reuters|dpa|efe|ansa|agencies|wires)\s*[)\]]?$"
    r"|^the post .{3,300} appeared first on\b"  # WordPress's feed signature
    r"|^read the original (?:article|story|post|report)\b|\btranslation of an? (?:original )?"
    r"(?:article|story|report)\b|\bthe publisher may only be (?:held )?liable\b"
    # A wire's note on what its revision changed: "(Updates with minister's comment)".
    r"|^[(\[]\s*(?:updates?|adds?|recasts?|rewrites?|corrects?|changes?|refiles?|writes through)"
    r"\b[^)\]]{0,200}[)\]]$"
    # ... or set as a line of its own: "Update, 3:05 pm: adds UN emergency funds, new toll."
    r"|^(?:update[sd]?|this story has been updated)\b.{0,30}?:\s*(?:this (?:story|article) )?"
    r"(?:adds?|added|updates?|updated|recasts?|rewrites?|corrects?|corrected|changes?|refiles?"
    r"|writes through)\b.{0,150}$",
    re.I,
)
_DISCLAIMER = Either(
    r"^(?:(?:legal )?disclaimer\b|note\s*:|editor'?s note\b)"
    r"|\bas is\W{0,3} without (?:any )?warrant|\b(?:do|does|will) not (?:accept|assume|take|bear)"
    r" (?:any )?(?:responsibility|liability)\b"
    r"|^this (?:post|article|story|report|piece|content|summary|text)\b.{0,60}\b(?:generated|"
    r"rewritten|auto-?generated|written with|produced with|compiled from|created with|"
    r"assisted by|based on (?:wire|agency|news) (?:reports|copy))"
    r"|\b(?:with the (?:help|assistance) of (?:ai|artificial intelligence)|ai[- ]assisted"
    r"|ai[- ]generated|by an ai\b|using (?:ai|artificial intelligence|automated)\b"
    r"|(?:ai|automated|machine)[- ](?:tools?|newsroom|system|writing|summary|rewrite))"
    r"|\b(?:views|opinions) (?:expressed )?(?:here |in this [a-z]+ )?(?:are|is) (?:solely )?"
    r"(?:the (?:author|writer)s?'?s?|those of the (?:author|writer)s?|my|our) own\b"
    r"|\bdo(?:es)? not necessarily (?:reflect|represent)\b"
    r"|\b(?:has|have) not been edited by\b|\bauto-?generated from\b|\bfrom a syndicated feed\b"
    # "Correction, Oct. 28: An earlier version of this article misstated ..."
    r"|^(?:corrections?|clarifications?|editor'?s note|update|note)\b[^:]{0,40}?[:.–—-]\s*"
    r"an earlier version of this (?:article|story|report|update|piece|post)\b"
    r"|^an earlier version of this (?:article|story)\b"
    r"|^this (?:article|story|report|piece) (?:was|has been) (?:amended|corrected|updated) on\b"
    r"|\bdoes not constitute (?:investment|financial|legal|tax) advice\b"
    # Standing notes of finance pages, translations, official texts and research.
    r"|\b(?:do|does) not constitute (?:an? )?(?:offer|solicitation|recommendation|endorsement)"
    r"|\bpast performance is not\b|\bunofficial translation\b|\bshall prevail\b"
    r"|\bnot an official record\b|\blicen[cs]ed under\b|\bavailable for republication\b"
    r"|\b(?:views|opinions) expressed\b[^.]{0,60}\b(?:are|is) (?:solely |entirely )?"
    r"(?:those of|the (?:author|writer))|\bthe funders? (?:had|has|have) no (?:role|say|influence)"
    r"|^(?:the )?authors? (?:would like to )?thanks?\b|\bany remaining errors are\b"
    r"|^this (?:article|story|report|piece|post|item)\b[^.]{0,60}\b(?:was|were) (?:first|"
    r"originally) (?:published|posted|broadcast|aired)"
    r"|^(?:this )?press release (?:was |has been )?issued (?:by|on behalf of)\b"
    r"|\bfor information(?:al)? purposes only\b|^this article is for information only\b"
    r"|\baffiliate links?\b|\bwe may earn a commission\b"
    # The page speaking of itself: updated, developing, moved; who paid for it.
    r"|\bthis (?:news )?(?:article|story|report|piece|post|page|blog ?post|entry|item|commentary"
    r"|analysis|essay|column|video|audio|transcript|episode|summary|publication) (?:was|were"
    r"|has been|is being|will be|had been|is|are) (?:\w+ )?(?:updated|amended|corrected|revised"
    r"|edited"
    r"|imported|moved|migrated|republished|first published|originally published|provided|"
    r"supplied|distributed|syndicated|generated|produced|translated|part of)\b"
    r"|\b(?:subtitles|captions|transcripts?|translations?)\b.{0,60}\b(?:generated|produced|"
    r"made) (?:automatically|by machine|with ai)\b"
    r"|\bavailable to (?:viewers|users|subscribers|readers|listeners)\b"
    r"|\b(?:due to|because of) (?:broadcast(?:ing)?|licensing|territorial) "
    r"(?:rights|restrictions)\b"
    # The same notes in other languages a page in English may keep: updated, corrected.
    r"|^(?:mise à jour|mis à jour|rectificatif|correctif|actualizaci[oó]n|fe de errores"
    r"|aktualisiert|korrektur|atualiza[cç][aã]o)\b"
    r"|\b(?:cet article a été|este artículo (?:fue|ha sido)|dieser artikel wurde) "
    r"|\b(?:developing|breaking) (?:news )?story\b|\bwill be updated\b"
    # An update's time stamp: "Updated at 14:32 with ...", "The news was updated at 17:05."
    r"|^\(?updated (?:at|on) \d|^the (?:news|story|article|report) (?:was|has been) updated\b"
    r"|\bthis (?:article|story|report|piece|post) (?:originated|ran|(?:first |originally )?"
    r"appeared)\b"
    r"|\b(?:coverage|reporting|journalism|series|newsletter|section|desk|podcast|this (?:post|"
    r"article|story|series|page)) (?:is|was|are|were) (?:\w+ )?(?:sponsored|funded|supported|"
    r"underwritten|paid for|made possible)\b|\bnot (?:a )?sponsored\b|\bsponsored by\b"
    r"|\b(?:has|have) no say over\b|\beditorially independent\b"
    # Who paid for this issue of a newsletter, episode or post.
    r"|\b(?:this|today'?s|this week'?s|our) (?:issue|edition|episode|newsletter|e-?mail"
    r"|briefing|dispatch|show|podcast|post|story|article|report|coverage)\b[^.]{0,30}"
    r"\b(?:sponsored|supported|underwritten"
    r"|brought to you|made possible|presented) by\b"
    r"|^(?:today'?s |this week'?s |this issue'?s |our )?sponsors?\s*[:|—–-]"
    r"|\b(?:supported|sponsored|underwritten) this (?:week|month|issue|edition|season) by\b"
    r"|^(?:brought to you by|presented by)\b"
    # Caveats on the figures a page shows, or on what it offers: "Forecasts are subject to
    # change", "... as of Friday's close and may have moved since", "should not be used as
    # the sole basis for ...", "Prior results do not guarantee a similar outcome".
    r"|\b(?:are|is) subject to change\b|\bmay have (?:moved|changed) since\b"
    r"|\bshould not be (?:used|relied on|relied upon|construed|taken|treated) as\b"
    r"|\bdo(?:es)? not guarantee\b"
    # Whose views these are not, and who answers for them (the EU's standard funding text).
    r"|\bdo(?:es)? not (?:necessarily )?reflect the (?:views|opinions|position|policy|policies)\b"
    r"|\b(?:its|the|their) contents? (?:is|are) the sole responsibility of\b"
    r"|\bproduced with (?:the )?(?:financial )?(?:support|funding|assistance) (?:of|from)\b",
    re.I,
)
_PROMPT_WORDS = (
    r"^(?:(?:republish|reuse|reprint) (?:this|our) (?:article|story|content)|see (?:the|our) "
    r"(?:interactive|full|live)\b)|\brepublishing (?:this|our) "
    r"(?:content|article|story|stories|journalism)\b"
    # A news portal's promotion of itself: "Get Latest World News along with ...", "Catch all
    # the Business News ... on Live Mint"; and a shop's: "... with 20% off".
    r"|^(?:get|catch|read|stay updated with) (?:all )?(?:the )?latest\b[^.]{0,80}\bnews\b"
    r"|^catch all the\b[^.]{0,120}\bnews\b|\bpromo code\b|\bdiscount code\b"
    # (Each word apart: Either groups "\\bword" alternatives under one lookahead.)
    r"|\bwith (?:an? )?(?:extra )?\d{1,2}\s?% off\b|\bget (?:an? )?(?:extra )?\d{1,2}\s?% off\b"
    r"|\bsave \d{1,2}\s?%"
    r"|\bsend us your (?:feedback|comments|thoughts|views|tips|questions)\b"
    r"|\bwe'?d (?:love|like) to hear from you\b|^join the conversation\b"
    r"|^share (?:this|the) (?:story|article|post|piece)\b"
    r"|comments? (?:are|is) (?:open|welcome)\b"
    r"|\b(?:download (?:our|the) app|get the app"
    r"|follow us|follow (?:him|her|them) on|have a (?:news )?tip|send us a tip|share your"
    r"|scan the qr code|follow [\w .'-]{1,40} on (?:wechat|weibo|x|twitter|facebook|instagram"
    r"|telegram|whatsapp|linkedin|youtube|tiktok|threads|bluesky|social media|social networks)\b"
    r"|\b(?:get|download|install|try) (?:the |our )?[\w' ]{0,30}\bapp\b"
    r"|\bjoin (?:our|the) [\w'’ ]{0,30}(?:channel|community|group|mailing list)"
    r"|thanks? (?:you )?for reading|stay (?:tuned|informed|updated)|check back (?:later|soon)"
    r"|\bwrite to (?:us|our|the) (?:newsroom|editors?|desk)\b"
    r"|\bdo you have a (?:story|tip)\b|\bcontact (?:us|our newsroom)\b"
    r"|\b(?:got|have|has) (?:a|any) (?:news )?(?:tip|story)\b"
    r"|\b(?:call|phone|whatsapp|text|sms)(?: us)?(?: on| at)? \+?\d[\d -]{5,}\d\b"
    r"|please consider (?:supporting|donating|a donation|subscribing|becoming)"
    r"|\bsupport (?:our|independent|quality) (?:work|journalism|reporting|research)\b"
    r"|^support [\w-]+ journalism\b|^if you (?:enjoyed|liked|valued|appreciated) (?:this|reading)"
    r"|\bmak(?:e|ing) a (?:donation|contribution|gift)\b|\bbecome a (?:member|supporter|patron)\b"
    r"|\btax[- ]deductible\b|\bdonate (?:now|today|here|to)\b"
    r"|\bfollow (?:our|the) (?:live )?(?:coverage|updates|blog)\b"
    r"|\bno paywall\b|\bbecome a friend\b|\bunsubscribe\b|\bno spam\b"
    r"|\bpaid (?:members|subscribers|subscriptions?)\b"
    r"|\bfor (?:paying|premium) (?:members|subscribers)\b|\blike loading\b"
    r")|\+\d{1,3}[\d ()-]{6,}\d"  # a telephone number: a contact line
    # At a block's start only, so outside the group: Either tries these once, at the start,
    # and searches the rest behind one lookahead (a "^" inside the group cost it that).
    r"|^(?:a )?(?:quick |brief |short )?housekeeping\b|^like this\s*:"
    r"|^(?:the )?(?:full |complete )?(?:video|photos?|audio|recording|transcript|footage"
    r"|gallery)\b[^.]{0,60}\b(?:is|are) (?:now )?available (?:on|at|via|in)\b"
    r"|^for (?:more|live|full|further|the latest|continuing|complete|ongoing)\b[^.]{0,80}"
    r"\b(?:see|visit|follow|read|go to|click|check|watch|listen to)\b"
    r"|^how (?:you can|to) (?:help|donate|give|contribute)\s*:"
    # The page's imperatives that ``_IMPERATIVE`` does not read: "Unlock full film
    # breakdowns", "Add your name to our petition", "Return to the list of releases".
    r"|^unlock\b|\badd your name\b"
    r"|^(?:return|go back|back) to (?:the |our )?(?:full |main )?(?:list|index|home|top|news"
    r"|all)\b"
)
# A comment form's remnants: they mark the end as a comment count does (``_marks``), so the
# short lines left after them (a captcha's "0 + 0 =", "Name", "Website") go too.
_COMMENT_FORM_WORDS = (
    r"\b(?:comments? (?:are|is) closed|log in (?:or register )?to (?:post )?comment"
    r"|leave an? (?:reply|replay|comment|response)|post a comment|cancel reply"
    r"|your email address will not be published|required fields are marked"
    r"|will not be shown publicly|no html tags allowed|turn into links automatically"
    r"|lines and paragraphs break automatically|allowed html tags"
    r"|your (?:e-?mail|email address|name)\b[^.]{0,40}\b(?:private|not be (?:shown|published"
    r"|displayed|shared))|fields? marked\b|notify me\b|save my name\b"
    r"|comments? (?:are|is) moderated\b|be the first to comment\b"
    r"|commentaires sont fermés|comentarios (?:están )?cerrados|kommentare sind geschlossen)"
)
_COMMENT_FORM = Either(_COMMENT_FORM_WORDS, re.I)
# One search finds both in most blocks, which are neither.
_PROMPT = Either(_PROMPT_WORDS + "|" + _COMMENT_FORM_WORDS, re.I)
# Subscribing and newsletters are a prompt's words when the page speaks to its reader
# ("Sign up for our newsletter", "Subscribe to get ...", "... in your inbox"); a story tells
# of them too: "The ministry's own newsletter to exporters made no mention of the rules",
# "Residents can sign up for emergency alerts".
_SUBSCRIBING = re.compile(
    r"\b(?:subscri(?:be|bed|bers?|bing|ptions?)|sign(?:ed)? up|signup|newsletters?)\b", re.I
)
# The reader addressed, the page speaking of itself ("This newsletter is powered by ..."),
# or told to act.
_TO_READER = re.compile(
    r"\b(?:you|your|yours|our|us)\b|\bthis (?:newsletter|issue|edition|e-?mail|site|page)\b"
    r"|^(?:subscribe|sign up|get|join|don'?t miss|never miss)\b"
    r"|\bsubscribers can (?:read|access|listen|watch|download|find|see|get)\b",
    re.I,
)
# An e-mail address is a prompt too, but may start with any word character: searched apart,
# only where there is an "@", so that _PROMPT's lookahead can stay narrow.
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b", re.I)
_POINTER = re.compile(
    r"^(?:also read|read also|read more|related|see also|more from|more in|more on|you may also"
    r"|also (?:on|from|in|at) (?:this|our|the)|photo gallery|gallery|in pictures|video"
    r"|previous posts|earlier posts|recent posts|past issues|from the archive|in case you missed"
    r"|you might also|recommended|trending|most read|popular|further reading|read next"
    r"|more for you|more stories|more news|up next|don'?t miss|must read|top stories"
    r"|latest (?:news|stories)|sponsored(?: content| stories| links)?|promoted(?: content)?"
    r"|from (?:our|the) partners|around the web|paid content|see all from|see more"
    r"|lire aussi|à lire aussi|voir aussi|lea también|lee también|leia também|siehe auch"
    r"|lesen sie auch|mehr zum thema|post navigation|previous (?:post|article|story)"
    r"|next (?:post|article|story)|read|watch|listen)\b\s*[:：|/»›-]?",
    re.I,
)
_INTERVIEW = Either(
    r"^(?:an? )?(?:exclusive )?(?:interview|q\s*&\s*a|conversation|in conversation)\b"
    r"|\b(?:interview|q\s*&\s*a) with\b|^we (?:spoke|talked|sat down) (?:with|to)\b"
    r"|^(?:the )?(?:experts?|analysts?)'?s?'? (?:insights?|views?|takes?|corner)\s*(?::|$)"
    r"|^(?:the )?experts?'? (?:view|opinion|take|comment|"
    r"analysis|corner|says)\b|^what (?:the )?experts? (?:are )?(?:say|saying|think|thinking)\b",
    re.I,
)
_COVERAGE = Either(
    r"\bfull coverage\b|\bmore coverage\b|\bcomplete coverage\b|\blatest coverage\b"
    r"|\ball our coverage\b|\ball the coverage\b",
    re.I,
)
_COVERAGE_FIRST = re.compile(r"^(?:full|more|complete|latest|live|continuing) coverage\b", re.I)
# More of a section ("More sports", "More world news") over a list of links.
_MORE = re.compile(r"^more\s+\w[\w'’ &-]{0,25}$", re.I)
# A media link with its running time: "Watch the highlights · 2:31", "Video (3:05)".
_DURATION = Either(
    r"\b(?:watch|video|highlights|clip|listen|play|replay|audio|episode)\b.{0,60}"
    r"(?:[·|•(–-]\s*)\d{1,2}:\d{2}\)?$",
    re.I,
)
# A market ticker's line: "Brent crude $71.40 ▲0.6%".
_TICKER = re.compile(r"[▲▼△▽↑↓]\s?[+-]?\d+(?:[.,]\d+)?\s?%")
_NEXT = re.compile(r"^(?:next in (?:the|this|our) series\b|upcoming(?: events?)?$)", re.I)
_FAQ = re.compile(r"^(?:frequently asked questions|faqs?|people also ask|keywords?|tags?)\b", re.I)
# Sidebar boxes: a heading over a few short items, not over paragraphs.
_SIDEBAR = re.compile(
    r"^(?:key (?:takeaways|facts|points)|quick facts|fast facts|at a glance|in brief|summary"
    r"|background|explainer|fact ?box|by the numbers|timeline|what you need to know"
    r"|[\w' ]{0,40}: what you need to know|how (?:you can|to) (?:help|donate|give|contribute)"
    r"|l'essentiel|en bref|à retenir|lo esencial|en resumen|das wichtigste|auf einen blick)\b",
    re.I,
)
_HOW_TO_HELP = re.compile(r"^how (?:you can|to) (?:help|donate|give|contribute)\b", re.I)
_BIO = re.compile(
    r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3} (?:(?:is|was)\b.{0,200}\b(?i:correspondent|"
    r"reporter|editor|writer|journalist|columnist|contributor|based in|has reported|fellow"
    r"|analyst|researcher|professor|lecturer|scholar|director|author of|(?:phd|doctoral) "
    r"|reviewer|fact-?checker|photographer|"
    r"(?:candidate|student)|associate|adviser|advisor|consultant)\b"
    r"|(?:covers|writes about|writes on|reports on|reports from)\b"
    r"|has (?:covered|been covering|written (?:about|for|on)|reported (?:on|from))\b"
    r"|has been (?:writing|reporting|covering)\b"
    r"|(?:has )?spent (?:\w+ ){0,2}(?:years|decades)\b.{0,120}\bbefore (?:starting|founding"
    r"|launching|joining|creating)\b"
    r"|joined (?:the |our )?(?i:station|newsroom|paper|newspaper|team|staff|desk|bureau"
    r"|magazine|site|publication|network)\b)"
    r"|^(?i:the )?(?i:writer|author|columnist|contributor)s? (?:is|are|was|were|has|have|holds?)\b",
)
# A writer's own short question, on its own or answered at once: "Will it hold? An earlier
# arrangement collapsed within months.", "Why now?" (11 story paragraphs of the tuning
# corpora, 1 appended). A generated one names its subject ("Is coffee healthy?").
_RHETORICAL = re.compile(
    r"^(?:(?:will|can|does|did|is|would|could|should) it(?: \w+){1,2}|why \w+(?:,? and why \w+)?)"
    r"\?(?:\s|$)",
    re.I,
)
_FAQ_ITEM = re.compile(
    r"^(?:what|why|who|how|when|where|which|is|are|can|will|does|do|did)\b[^.?!\"“”]{5,150}"
    r"\?\s+\S",
    re.I,
)
# Kinds whose next paragraphs, however long, belong to them: answers, an "About" paragraph.
_LEADS_PROSE = frozenset(
    ["generated question", "turn", "appended interview", "appended FAQ block", "boilerplate",
     "appended analysis", "comment", "author bio", "notes heading", "appeal"]
)  # fmt: skip
# Subheads that head a story's own sections as often as appended ones ("What happens next",
# "Timeline", "Opposition holds Gyeongsang"): reporting under one makes it the story's.
_SUBHEADS = frozenset(["heading", "appended analysis", "sidebar"])
# A letter to the reader after the story: "Dear Reader," and a plea for support under it.
_DEAR = re.compile(r"^dear (?:readers?|subscribers?|friends?|members?|listeners?|viewers?)\b", re.I)
_ANALYSIS = re.compile(
    r"(?:^|\b)(?:what (?:does )?(?:this|it|that) means? for|here'?s what (?:this|it) means"
    r"|why (?:this|it) matters|our take|what happens next|what'?s next"
    r"|^in conclusion|^to conclude|^final thoughts|^in summary|^to sum up|^conclusions?$)\b",
    re.I,
)
# A publisher's standing notices, in prose: licensing and reproduction terms, who funds the
# coverage, help lines after a hard story, letters, obituaries and contributors' calls, price
# and link disclaimers, viewer warnings, a sign-up form's privacy text, corrections policy.
_NOTICE = Either(
    at_word_start(
        # Each alternative names the page or its publisher, not a state or a company in the
        # news: "without written permission", not "without permission"; "our methodology",
        # not "the".
        r"(?:this|the) (?:material|article|content|story|text|report) may not be (?:published"
        r"|reproduced|republished|broadcast|redistributed|copied)|(?:must|may) not be (?:copied"
        r"|reproduced|reused) without|without (?:prior )?written permission|may be (?:republished"
        r"|reproduced|reprinted)\b[^.]{0,40}\b(?:attribution|licen[cs]e|credit)|creative commons"
        r"|(?:is|are) protected by copyright|(?:is|are) subject to copyright|reproduction is "
        r"(?:permitted|allowed|prohibited)|requires? a (?:written )?licen[cs]e agreement"
        r"|(?:reprints|syndication|licensing) (?:and|&) (?:licensing|permissions|reprints)"
        r"|(?:classroom|library|institutional) licen[cs]es"
        r"|receives? (?:support|funding) from\b[^.]{0,60}\bfor (?:its|our) (?:coverage|reporting"
        r"|journalism)|(?:coverage|reporting) (?:of|on) [\w ,]{2,40} (?:is|was) (?:supported|funded"
        r"|made possible)|(?:our|this) (?:work|journalism|reporting|coverage|newsletter|site"
        r"|newsroom) (?:is|are) (?:supported|funded|made possible)"
        r"|receives? no (?:funding|money) from\b"
        r"[^.]{0,60}\b(?:supported|funded) (?:entirely |solely |only )?by|solely responsible for "
        r"(?:all |its )?content|retains? (?:full |sole )?editorial (?:control|independence)"
        r"|may earn (?:a )?(?:small )?commission"
        r"|if you (?:or someone you know )?(?:have been|has been|are) affected by"
        r"|support (?:and|&) information (?:is|are) available"
        r"|letters to the editor (?:should|must|may)"
        r"|obituaries and death notices|(?:looking for|welcome) (?:new )?contributors"
        r"|not responsible for the content of external|prices? (?:were|are|was|is) (?:accurate"
        r"|correct) at the time|viewer discretion|may be distressing|we use your sign-?up"
        r"|(?:if you think|if you believe) we (?:got|have got|made)|we correct (?:errors|mistakes)"
        r"|(?:our|read our) corrections? policy|our (?:full )?methodology\b"
        r"|machine[- ]translated from|(?:has been|was) (?:automatically |machine )translated"
        r"|(?:provided|supplied) by a third party|does not endorse (?:any|the) (?:products?|content"
        r"|views)|join us (?:on|for|at)\b[^.]{0,60}\b(?:discussion|webinar|event|briefing|launch)"
        r"|consider becoming a (?:monthly |paying |founding )?(?:supporter|member|subscriber|donor)"
        r"|hit reply|the views expressed (?:here|in this)|(?:does|do) not take (?:institutional )?"
        r"positions|^(?:the )?[A-Z][\w.'’&-]*(?: [A-Z&][\w.'’&-]*){0,6} is an? (?:independent"
        r"|non-?partisan|non-?profit|not-for-profit)\b[^.]{0,60}\b(?:organi[sz]ation|institute"
        r"|think tank|newsroom|charity|foundation)"
        r"|^this (?:story|article|report|piece|investigation) was (?:reported|written|edited"
        r"|produced|fact-checked) by|^research assistance\b|^graphics (?:are )?by\b"
        r"|^(?:data|research) for this (?:investigation|story|report|article)\b"
        r"|^(?:read more about|catch up on)\b[^.]{0,120}\b(?:in|on) our\b"
        # Help lines after a hard story; reuse terms; names changed to protect someone.
        r"|if you (?:or someone you know )?(?:is|are|have|has|feel|need)\b[^.]{0,50}\b(?:struggl"
        r"|suicid|crisis|gambling problem|distress|thoughts of)|help is available\b|(?:crisis"
        r"|suicide|gambling|mental health|support) (?:line|lifeline|helpline|hotline)\b"
        r"|^(?:this|the) (?:article|story|report|content|material|piece) may be (?:reprinted"
        r"|republished|reproduced|reused)\b|available under (?:the |a )?[\w .-]{0,40}licen[cs]e"
        r"|for editorial use\b|may be (?:used|reused|reproduced)\b[^.]{0,50}\bwith (?:credit"
        r"|attribution)|names? (?:of [\w ]{0,30})?(?:have|has) been changed\b"
        r"|^for (?:media|press) (?:inquiries|enquiries|queries)\b"
        r"|if you or (?:someone|anyone) you know (?:needs?|is|are|has)\b"
        r"|readers are (?:advised|warned) (?:that )?this (?:article|story|report|programme"
        r"|program|page) (?:contains|includes)|^report an? (?:editorial )?(?:error|mistake|typo)\b"
        # Reuse terms that forbid rather than license; whose opinion the page does not share;
        # a typo form's key; a media outlet's registration.
        r"|(?:reproduction|use|copying|republication|redistribution) of (?:any |the |this |our )?"
        r"(?:materials?|content|articles?|texts?)\b[^.]{0,80}\b(?:prohibited|forbidden|not "
        r"permitted|not allowed)|unauthori[sz]ed (?:use|reproduction|copying|republication)\b"
        r"[^.]{0,80}\bprohibited|(?:opinions?|views?|position) of the authors?\b[^.]{0,30}\b(?:may"
        r"|does|do) not (?:necessarily )?(?:coincide|reflect|represent)|press ctrl ?\+ ?enter"
        r"|mass media registration|registered (?:by|with) the (?:ministry|federal service|agency)"
        r"\b[^.]{0,80}\b(?:certificate|licen[cs]e)"
        # Terms of quoting, and a name kept back: "a hyperlink to the source is mandatory",
        # "republication only with the written consent of the editors"; "name has been
        # withheld for security reasons".
        r"|hyperlink to\b[^.]{0,60}\b(?:is )?(?:mandatory|required|obligatory)"
        r"|(?:republication|reprinting|reproduction)\b[^.]{0,40}\b(?:only|solely) with\b[^.]{0,40}"
        r"\b(?:consent|permission)|names? (?:of [\w ]{0,30})?(?:have|has) been withheld\b"
        r"|published on (?:commercial|paid) terms|^(?:partner|sponsored|paid|promotional"
        r"|commercial) (?:material|content|post)\.\s"
    ),
    re.I,
)
# The outlet describing itself: "Our forecasting team updates the outlook four times a day",
# "From the port of Mombasa to the markets of Kano, our reporters spend weeks ...". A story
# rarely speaks of the outlet's staff outside a quote (3 of 7,311 story paragraphs of the
# tuning corpora, against 80 of 9,136 appended blocks), and when it does, reports it
# ("... questions sent by our reporters, the company has not responded").
_HOUSE = re.compile(
    r"\bour (?:[\w-]+ ){0,2}(?:team|reporters|correspondents|editors|writers|journalists"
    r"|analysts|desk|newsroom|staff|anchors|forecasters|panel|unit|contributors|columnists"
    r"|producers|photographers)\b",
    re.I,
)
HOUSE_WORDS = 80  # a longer block is prose, whoever speaks


def _subscribing(unquoted: str) -> bool:
    """Signing up spoken of to the reader, or as a label or a question set apart ("Newsletter
    sign-up", "Already a subscriber?"), which no sentence of a story is."""
    if not _SUBSCRIBING.search(unquoted):
        return False
    if size(unquoted) <= LABEL_WORDS and not ENDS_SENTENCE.search(unquoted):
        return True
    return bool(_TO_READER.search(unquoted)) or unquoted.rstrip().endswith("?")


LABEL_WORDS = 8


def _emailed(flat: str) -> bool:
    return "@" in flat and bool(_EMAIL.search(flat))


def _is_house_note(flat: str) -> bool:
    if not _HOUSE.search(flat):
        return False  # most blocks: no quotes to take out first
    unquoted = _unquoted(flat)
    return bool(_HOUSE.search(unquoted)) and not _NEWS_REPORT.search(unquoted)


# A content farm's recap after the story: "Summary: The ministers agreed ...".
_RECAP = re.compile(r"^(?:summary|tl;? ?dr|recap|in a nutshell)\s*:\s*\S", re.I)
_COMMENT = re.compile(
    # "What they said" heads the story's quotes; "Maria K. said:" a comment.
    r"^(?:(?!what\b)[\w .'’-]{1,40} (?:says|said|wrote|commented)\s*(?::|\.{3}|…)?|reply"
    r"|\d+ (?:comments?|replies):?"
    r"|(?:what )?readers(?: are)? saying|readers?'?s?'? (?:reactions?|comments?|responses?)"
    r"|(?:comments?|responses?|replies)(?: \(\d+\))?|[\w .'’-]{1,40} \(not verified\))$",
    re.I,
)
# "Topics: ...", "Tags:", "Share: Email · X", "Filed under ...": the page's lists, not prose.
_TAG_LIST = re.compile(
    r"^(?:topics?|tags?|tagged|filed under|categories|category|keywords?|posted in|étiquettes"
    r"|etiquetas|temas|schlagwörter|themen|share"
    r"(?: this)?(?: article| story| page)?)\s*[:|]"
    # a taxonomy's label on a line of its own: "Topic", "Region / Country"
    r"|^in [“\"][^”\"]{1,40}[”\"]$"  # a related post's category, as Jetpack prints it
    r"|^(?:topics?|tags?|categor(?:y|ies)|keywords?|subjects?|themes?|regions?|countr(?:y|ies)"
    r"|regions? ?/ ?countr(?:y|ies)|countr(?:y|ies) ?/ ?regions?|filed under|more about)$",
    re.I,
)
_AUTHOR = re.compile(r"^(?:about the (?:author|authors|writer|contributor)s?\b|written by\b)", re.I)
# "About <Org>", not "About 59 million people are eligible to vote."
_ABOUT = re.compile(
    r"^(?i:about) (?:the |us\b)?(?:[A-Z]|\d(?!\S*\s+[a-z]))[\w&'’ .()-]{0,60}(?::\s|$)"
)
_ENDS_ISSUED = re.compile(
    r"^(?:-\s?)?ends?(?:\s?-)?\s?[.:]\s+(?:issued|released|notes? to editors|for (?:further|more)"
    r" information|media (?:contact|enquiries))\b",
    re.I,
)
_END_MARK = re.compile(
    r"^(?:#{3,}|-\s?30\s?-|(?:[—–-]{1,2}\s?)?ends?(?:\s?[—–-]{1,2})?|\*{3,}|_{3,}"
    r"|end ?item(?:/\w+)?)$",
    re.I,
)  # "###", "-30-", "ENDS", "— ENDS —"
# An agency's code alone on the last line: "(TNS)", "==TNS", "/AFP/".
_AGENCY_MARK = re.compile(r"^(?:[(\[/]\s?[A-Z][A-Za-z]{1,7}\s?[)\]/]|[=-]{2,}\s?[A-Z]{2,8})$")
# Items set in a row by separators: related headlines, share buttons, a writer's profile
# line. Prose never sets them so (no story paragraph of the tuning corpora, 112 appended
# blocks, had two).
_LINK_LIST = re.compile(r"\s[|·•]\s.*\s[|·•]\s")
# A picture's credit closing the block: a caption left after the story ("... (Photo:
# Cuartoscuro)", "(Name/Agency)", "(Name for Outlet)").
_END_CREDIT = re.compile(
    r"\((?:(?i:photo|image|picture|file photo|video|courtesy|credit)\b[^()]{0,80}"
    r"|[A-Z][^()]{1,50}/[^()]{1,50}"
    r"|[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){1,3} for (?:the )?[A-Z][^()]{1,40})\)$"
)


def _end_credit(flat: str) -> bool:
    return flat.endswith(")") and bool(_END_CREDIT.search(flat[-140:]))


_CONTACT = re.compile(
    r"^(?:(?:media|press|news) (?:contacts?|inquiries|enquiries|office)|for (?:more|further) "
    r"information|contacts?\s*:|editors'? notes?\b|notes to editors"
    r"|(?:useful|emergency|important) (?:tele)?(?:phone )?(?:numbers|contacts)|hotlines?\s*:)",
    re.I,
)
# A list's item that ends in a place after a dash is no signature: "August 8 – Tinley Park,
# IL @ Hollywood Casino Amphitheatre – Chicago".
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_DATED_ITEM = re.compile(
    rf"^(?:\d{{1,2}}[./-]\d{{1,2}}|{_MONTH}\.? \d{{1,2}}|\d{{1,2}} {_MONTH})\b", re.I
)
_SIGNED = re.compile(r"(?:^|\s)[—–-]{1,2}\s?[A-Z][\w.'’]*(?:\s[A-Z][\w.'’]*)?\.?$")
# A writer taking leave ("Stay safe, everyone.", "More tomorrow. Good night."), a postscript.
_FAREWELL_WORDS = (
    r"(?:stay safe|take care|good ?night|good morning|cheers|until next time"
    r"|see you (?:next|tomorrow|soon|then)|more (?:[\w-]+ ){0,3}(?:tomorrow|next week|soon)"
    r"|normal service\b.{0,40}\bresumes?"
    # A newsletter's close: "That's it for this week.", "Thanks for reading.", "Back on
    # Friday with the usual roundup.", "Have a lovely weekend."
    r"|that[’']?s (?:it|all)(?: for (?:this|today|now|the) ?\w*| from (?:me|us))"
    r"|(?:thanks|thank you|\w+) for reading|back (?:on|next) (?:monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday|week)|have a (?:lovely|great|good|nice|restful)"
    r" (?:weekend|week|day|sunday))\b"
)
# A letter's close on a line of its own: a few words and a comma ("Best,", "Until next week,"),
# or the writer's initials ("L.", "— J.M.").
_VALEDICTION = re.compile(r"^(?:[\w'’]+ ){0,4}[\w'’]+,$|^(?:[—–-]\s?)?[A-Z]\.(?:\s?[A-Z]\.)?$")
_POSTSCRIPT = re.compile(r"^(?:P\.?\s?S\.?|PPS)\s*[:—–-]?\s")
_FAREWELL = Either(
    rf"^{_FAREWELL_WORDS}|[.!]\s+{_FAREWELL_WORDS}|^p\.?\s?s\.?\s",
    re.I,
)
# The page talking to its reader: a call to act on the medium ("Tap to listen", "Follow ...
# in the app", "If you find this blog useful ..."), not the story's people doing things.
# (Each at a block's or a sentence's start, written as two alternatives for Either.)
_UI_WORDS = (
    r"(?:please\s+)?(?:tap|click|swipe|scroll|subscribe|sign up|download|install"
    r"|bookmark|donate|register|scan|turn on|listen (?:to|on|now|again|live)"
    r"|watch (?:the|our|now|live|again|on))\b(?!-)"
)
_UI_VERB = Either(rf"^{_UI_WORDS}|[.!?\]]\s+{_UI_WORDS}", re.I)
# A station's programme and when it is on: "Catch The World Tonight, weekdays at 9 pm on
# ...", "Extra Cover, our sport podcast, has full reaction from 7 am". A story's own times
# name no programme ("The warning will be reviewed at 4 pm."): in the tuning corpora 32
# appended blocks and no story paragraph of 40 words or fewer have both.
_BROADCAST = re.compile(
    r"^(?=.*\b(?:at|from|until|after|before) \d{1,2}(?:[:.]\d{2})?\s?[ap]\.?m\b)"
    r"(?=.*\b(?:podcasts?|radio|programme|program|show|bulletin|FM|on air|episodes?|tonight"
    r"|weeknights|weekdays|listen|tune in|channel|TV|television)\b)",
    re.I,
)
_CALL_WORDS = (
    r"(?:please\s+)?(?:follow|listen|watch|join|share|send|write|tell|e-?mail"
    r"|visit|check out|find|explore|support|contact|like|comment|enable|save|catch up|don'?t miss"
    r"|track"
    r"|learn|discover|head|go|open|get|use|read|see|try|keep|let us know|help)\b(?!-)"
)
_CALL_VERB = Either(rf"^{_CALL_WORDS}|[.!?\]]\s+{_CALL_WORDS}", re.I)
_ADDRESSEE = Either(
    "|".join(rf"\b{w}\b" for w in ("[Yy]ou", "[Yy]our", "[Yy]ours", "I", "[Mm]y", "[Mm]e",
                                   "[Ww]e", "[Oo]ur", "us"))
)  # fmt: skip
_MEDIUM_WORDS = (
    "apps?", "podcasts?", "newsletters?", "channels?", "notifications?", "alerts?", "inbox",
    "blog", "posts?", "site", "website", "homepage", "feed", "e-?mail", "comments?", "coverage",
    "updates", "edition", "bulletin", "episodes?", "settings", "links?", "live ?stream",
    "account", "donations?", "subscriptions?", "editorial", "whatsapp", "telegram", "twitter",
    "social media", "(?:live|interactive) maps?", "live (?:page|blog)", "special reports?",
    "facebook", "instagram", "linkedin", "youtube", "tiktok", "on x", "journalism", "reporting",
)  # fmt: skip
_MEDIUM = Either("|".join(rf"\b{w}\b" for w in _MEDIUM_WORDS) + r"|@\w", re.I)
_REPORTED = re.compile(
    r"\b(?:said|says|saying|told|according to|wrote|writes|added|stated|posted|tweeted|announced"
    r"|asks|asked)\b"
)
# What someone is quoted saying ("See you in parliament") does not address our reader.
_QUOTED = re.compile(r'"[^"]{0,400}"|“[^”]{0,400}”')
# A note's number first ("[1] ...", "¹ ..."), or its link back to the text last ("... ↩").
_FOOTNOTE = Either(r"^(?:\[\d{1,2}\]|\d{1,2}[.)]\s|[¹²³⁴⁵⁶⁷⁸⁹]|\*{1,3}\s?[A-Z])|[↩⤴]\ufe0e?$")
_NUMBERED_QUESTION = re.compile(r"^\d{1,2}[.)]\s+[^?]{5,200}\?[\"”’)]?$")
_NOTE_MARK = re.compile(r"^(?:\[?\d{1,2}\]?|[¹²³⁴⁵⁶⁷⁸⁹]|\*{1,3})$")
_NOTES = re.compile(
    r"^(?:notes?|foot ?notes|end ?notes|notes? (?:to|for) (?:the )?editors?|editor'?s'? notes?"
    r"|references|sources|bibliography|further reading"
    r"|reading list|suggested reading|how to cite(?: this [a-z]+)?|suggested citation|cite this"
    r"(?: [a-z]+)?)$",
    re.I,
)

# A statement ends before the question ("That's it. ... Ready?"): a paragraph that asks at its
# end, not a question put on its own. (Not "U.S. ..." or "Dr. ...": a small letter first.)
_STATEMENT_BEFORE = re.compile(r"[a-z\d)”’\"'][.!]\s+[A-Z“\"]")


def tail_start(
    texts: list[str], repeated: frozenset[int] = frozenset(), gone: frozenset[int] = frozenset()
) -> tuple[int, str] | None:
    """The index of the first block after the story's end, with a note of what starts
    there; None when the story runs to the last block. ``repeated``: the blocks this
    source ends its other stories with (``ingest.repeats``). ``gone``: blocks already
    removed as boilerplate ("Comments", "Share"), given where they stood (``_marks``)."""
    flats = [_flat(t) for t in texts]
    kinds = [_repeated_or(_kind(t, f), t, repeated) for t, f in zip(texts, flats, strict=True)]
    asks = [bool(_QUESTION.search(t)) for t in texts]
    labels = [_speaker(f) for f in flats]
    kinds = _introductions(_learned(kinds, texts, flats, _lone_turns(kinds, asks, labels)), flats)
    kinds = _marks(kinds, gone) if gone else kinds
    words = [0 if i in gone else size(t) for i, t in enumerate(texts)]
    explainer = _qa_explainer(kinds)
    answered = _answered_at_length(kinds, words)
    reports = _Reports(flats, kinds)
    reported_qa: bool | None = None  # asked where a question could start the tail
    before, turns, interview = 0, 0, explainer
    inside = 0  # the end of a calm section (``_Reports.calm``) the loop is in
    for i in range(len(texts)):
        # A short story may end in appended material too, if none of it is prose.
        enough = before >= MIN_STORY_WORDS or not {"story", "turn"} & set(kinds[i:])
        candidate = i > 0 and enough and kinds[i] not in ("story", "empty")
        # Short lines at the end of a run of short lines are the run's (a list), not a
        # sign-off appended after the story.
        bare = set(kinds[i:]) <= {"heading", "empty"}
        candidate = candidate and not (bare and kinds[i - 1] in ("heading", "empty"))
        # Nor does a list of figures end between two of its rows, or begin after its head;
        # nor does a section that reads as the story end inside it.
        candidate = candidate and not (reports.row(i) and reports.listed(i - 1))
        candidate = candidate and i >= inside
        if candidate and kinds[i] == "generated question" and not interview:
            if reported_qa is None:
                reported_qa = _reported_qa(kinds, reports)
            explainer = interview = reported_qa
        tail = (kinds[i:], words[i:], asks[i:], labels[i:], flats[i:])
        if candidate and _all_tail(*tail, before, interview, *reports.since(i)):
            rest = len(texts) - i - 1
            after = f" and {rest} block{'s' * (rest != 1)} after it" if rest else ""
            note = f"{END} removed {kinds[i]} {quote(texts[i])}{after}"
            return i, note
        before += words[i]
        if enough and kinds[i] in _SUBHEADS and reports.calm(i):
            inside = max(inside, i + 1 + reports.calm_lines(i))
        # Speaker turns within the story make it an interview: its turns are the story.
        turns += i > 0 and kinds[i] == "turn"
        # So do questions it has answered at length: they are its subheads ("Who pays the
        # cost of a tariff?" and four paragraphs), and so are the ones after them.
        interview = explainer or turns >= 2 or sum(q <= i for q in answered) >= 2
    return None


def _repeated_or(kind: str, text: str, repeated: frozenset[int]) -> str:
    """What the rules call prose or a heading is the source's boilerplate when it also ends
    the source's other reports."""
    if not repeated or kind not in ("story", "heading") or size(text) > repeats.MAX_WORDS:
        return kind
    return "repeated block" if repeats.block_hash(text) in repeated else kind


def _learned(
    kinds: list[str], texts: list[str], flats: list[str], lone: frozenset[int]
) -> list[str]:
    """``kinds`` with the learned model's say on the prose at the end, read backwards up to
    the second block it leaves as prose: before that, one prose block may still answer a
    question, two are the story. ``lone``: "Label: ..." blocks that are no exchange
    (``_lone_turns``), judged like prose."""
    out, prose = list(kinds), 0
    for i in range(len(kinds) - 1, max(0, len(kinds) - LEARNED_BLOCKS), -1):
        if kinds[i] == "story" or i in lone:
            out[i] = _learned_or(kinds[i], texts[i], flats[i])
            prose += out[i] == kinds[i]  # left as it was: prose to the tail rules
            if prose == 2:
                break
    return out


# Who the questions below were put to: "We asked Dr. Pieter van Dijk, a trade economist, what
# the vote means." Right before questions it is the interview's first line; before the
# story's next paragraph, the reporter's account ("We asked participants whether ...").
_INTRODUCES = re.compile(
    r"^(?:we|i) (?:asked|put (?:\w+ )?(?:\w+ )?questions? to|reached out to|turned to"
    r"|caught up with|spoke (?:to|with)|talked (?:to|with)|sat down with)\b",
    re.I,
)
_ASKING = frozenset(["turn", "generated question", "appended interview", "appended FAQ block"])
INTRODUCTION_WORDS = 30


def _introductions(kinds: list[str], flats: list[str]) -> list[str]:
    """``kinds`` with the line that introduces an appended interview read as part of it."""
    out = list(kinds)
    for i in range(len(kinds) - 1):
        if kinds[i] not in ("story", "heading") or not _INTRODUCES.match(flats[i]):
            continue
        after = next((k for k in kinds[i + 1 :] if k != "empty"), None)
        if (
            after in _ASKING
            and size(flats[i]) <= INTRODUCTION_WORDS
            and not _QUOTED.search(flats[i])
        ):
            out[i] = "appended interview"
    return out


def _lone_turns(kinds: list[str], asks: list[bool], labels: list[str | None]) -> frozenset[int]:
    """The "Label: ..." blocks that ask nothing and whose label speaks once: no exchange, so
    ``_all_tail`` reads them as prose. Boxes named in title case ("Also Read: ...", "Key
    Takeaways: ...", "Audio Credit: ...") read as a speaker to the rules, and are the kind of
    block the model knows."""
    if _alternates(labels):
        return frozenset()
    return frozenset(i for i, k in enumerate(kinds) if k == "turn" and not asks[i])


def _learned_or(kind: str, text: str, flat: str) -> str:
    """What the rules call prose is appended material when the learned model
    (``ingest.tail_model``) is sure of it: the kinds above, worded as no rule foresaw; or
    when the page speaks in its own voice (``_house_voice``) and the model leans that way.
    Headings stay the rules' call: a list of short lines (a race's results, tour dates)
    ends real stories as often as a list of related headlines does."""
    if size(flat) > LEARNED_WORDS or _EMBEDDED.search(flat):
        return kind
    if tail_model.is_appended(text) or _house_voice(flat):
        return "appended material"
    return kind


def _house_voice(flat: str) -> bool:
    """Does the block say "we" or "our" outside anyone's quoted words ("We'll be back in
    January", "We are an independent institute"), and does the model find it more likely
    appended than not by HOUSE_VOICE_ODDS? Reporting says "we" inside quotes; the outlet,
    a newsletter's author or an institute says it about itself after the story. Measured
    on the tuning halves: 39% of appended blocks speak so, 6% of the blocks battery's story
    endings (essays and newsletters) and 1.8% of the other corpora's last paragraphs; with
    the model's odds at 0.6 or more, 11 appended blocks the rules missed and no story
    ending of the blocks battery."""
    if not _WE.search(flat):
        return False
    unquoted = _unquoted(flat)
    if not _WE.search(unquoted) or _WE_DID.search(unquoted):
        return False  # "We recently traveled to ...": the reporters' own account of the story
    return tail_model.junk_probability(flat) >= HOUSE_VOICE_ODDS


LEARNED_BLOCKS = 15  # the model judges the last blocks only: where appended material is
LEARNED_WORDS = 80  # and blocks of this many words or fewer: a pitch, a bio, a note
HOUSE_VOICE_ODDS = 0.6
_WE_DID = re.compile(
    r"\bwe (?:\w+ly |first |also |then |all )?(?:[a-z]+ed|went|saw|spent|met|found|took|got"
    r"|came|heard|told|asked|visited|tried|wrote|ran|drove|flew|sat|spoke)\b",
    re.I,
)
_WE = re.compile(r"\b(?:we|we'(?:re|ve|ll|d)|we’(?:re|ve|ll|d)|our|ours|us)\b", re.I)


class _Reports:
    """Does the prose under a subhead report what the story above it has not named? A
    story's own last section ("By the numbers", "Timeline", "Where they stand") brings new
    names, figures and dates; a box that restates it ("Key points: A pricing formula has
    been agreed.") or talks to the reader does not. Measured on the tuning halves: of the
    prose sections under a plain subhead or a box's label near the end, 78 of 91 of the
    stories' own name two or more things the story above had not, against 46 of 176 appended.
    Computed only for the subheads a candidate tail holds, each once."""

    def __init__(self, flats: list[str], kinds: list[str]) -> None:
        self._flats, self._kinds = flats, kinds
        self._known: dict[int, str] = {}
        self._calm: dict[int, int] = {}
        self._text = ""  # the blocks' text, lower-cased, and where each block starts in it
        self._starts: list[int] = []

    def since(self, start: int) -> tuple[Callable[[int], str], Callable[[int], bool]]:
        """``at`` and ``calm`` for a candidate tail that starts at block ``start``."""
        return (lambda j: self.at(start + j)), (lambda j: self.calm(start + j))

    def at(self, head: int) -> str:
        """ "prose" or "rows" when the section under ``head`` reports something new, in
        paragraphs or in short rows of figures ("Valdés: 55.3%", "700 m of new quay wall");
        "" when it does not."""
        if head not in self._known:
            end, rows = head + 1, self.row(head + 1)
            while end < len(self._kinds) and (
                self._continues(end) if rows else self._kinds[end] == "story"
            ):
                end += 1
            above = self._above(head)
            # A name seen above as part of a longer word counts as seen: the test errs on
            # the side of the tail rules as they were.
            new = {n for f in self._flats[head + 1 : end] for n in _specifics(f) if n not in above}
            if rows:
                # The model calls short lines with figures appended: a list's rows are
                # judged by what they add, and by being a list (one row is a footer's date).
                reported = len(new) >= REPORTED_NEW and end - head > ROWS_MIN
            else:
                reported = len(new) >= REPORTED_NEW and not any(
                    tail_model.junk_probability(f) >= SECTION_JUNK
                    for f in self._flats[head + 1 : end]
                )
            self._known[head] = ("rows" if rows else "prose") if reported else ""
        return self._known[head]

    def calm(self, head: int) -> bool:
        """Do two or more lines of prose run under the subhead, none a question, that the
        model finds on average unlike appended material? A story's own last section ("What
        happens next", then what each side will do and when) reads as the story does; an
        appended one restates it in a content farm's words or talks to the reader."""
        return self.calm_lines(head) > 0

    def calm_lines(self, head: int) -> int:
        """How many lines run in the calm section under ``head`` (``calm``); 0 if none."""
        if head not in self._calm:
            self._calm[head] = self._calm_lines(head)
        return self._calm[head]

    def _calm_lines(self, head: int) -> int:
        if _QUESTION.search(self._flats[head]) or _CLOCK.search(self._flats[head]):
            return 0  # a question's answer, or a comment's time stamp
        odds = []  # the lines', up to one the model finds likely appended, or a question
        for k in range(head + 1, len(self._kinds)):
            flat = self._flats[k]
            if self._kinds[k] not in _CALM_KINDS or _QUESTION.search(flat):
                break
            odds.append(tail_model.junk_probability(flat))
            if odds[-1] >= SECTION_JUNK:
                odds.pop()
                break
        if len(odds) < CALM_LINES or sum(odds) / len(odds) >= SECTION_CALM:
            return 0
        # And it tells something: a box that restates the story names nothing new, and
        # says it in the story's words.
        above, lines = self._above(head), self._flats[head + 1 : head + 1 + len(odds)]
        if any(n not in above for f in lines for n in _specifics(f)):
            return len(odds)
        words = {w for f in lines for w in _CONTENT_WORD.findall(f.lower())}
        return len(odds) if sum(w not in above for w in words) > NEW_WORDS_SHARE * len(words) else 0

    def row(self, k: int) -> bool:
        """A short line with a figure that the rules call a heading or a labelled line: an
        item of a list of results, specifications or terms."""
        if k >= len(self._kinds):
            return False
        flat = self._flats[k]
        if self._kinds[k] in _WHEN_KINDS and _WHEN_ROW.match(flat):
            return len(flat.split()) <= WHEN_ROW_WORDS  # a timeline's: "Sunday: Teams arrive."
        if self._numbered_run(k) or self._figure_rows(k):
            return True
        if self._kinds[k] not in _ROW_KINDS:
            return False
        # A headline in title case ("15 Amazing Images of Stars") is a link to another
        # story; a row with a label says what it lists ("Botswana Congress Party: 15 seats").
        return _short_figure(flat) and (":" in flat or not title_case(flat))

    def _numbered_run(self, k: int) -> bool:
        """An item of a list numbered in order ("2. Retirees may now apply ...", after "1.
        ..."): a list's row whatever its length. A note's number stands alone after a
        "Notes" heading; a list's run on from 1."""
        number = _number(self._flats[k])
        if number is None or len(self._flats[k].split()) > NUMBERED_ROW_WORDS:
            return False
        before = _number(self._flats[k - 1]) if k > 0 else None
        after = _number(self._flats[k + 1]) if k + 1 < len(self._flats) else None
        return before == number - 1 or (after == number + 1 and number == 1)

    def _figure_rows(self, k: int) -> bool:
        """A labelled line of figures beside another ("Tana River: 24,600 people displaced,
        6 deaths" over "Garissa: 11,200 displaced"): a table's rows, not a speaker's turns."""
        if not self._figure_row(k):
            return False
        near = (j for j in (k - 1, k + 1) if 0 <= j < len(self._flats))
        return any(self._figure_row(j) for j in near)

    def _figure_row(self, k: int) -> bool:
        # A pointer or a prompt with a figure ("ALSO READ: ... 1960 treaty", "Listen live:
        # Metro Radio 102.6 FM") is no row of the story's table.
        return self._kinds[k] not in _NOT_ROWS and _figure_row(self._flats[k])

    def listed(self, k: int) -> bool:
        """Is block ``k`` a row of a list, or the head of one?"""
        return self.row(k) or self.at(k) == "rows"

    def _continues(self, k: int) -> bool:
        """A row, or a short labelled line with a figure the rules call prose
        ("Shanghai to Los Angeles: $2,480."): the next item of a list begun with a row."""
        flat = self._flats[k]
        return self.row(k) or (self._kinds[k] == "story" and ":" in flat and _short_figure(flat))

    def _above(self, head: int) -> str:
        if not self._starts:
            self._text = "\n".join(self._flats).lower()
            self._starts = list(itertools.accumulate((len(f) + 1 for f in self._flats), initial=0))
        return self._text[: self._starts[head]]


REPORTED_NEW = 2  # names, figures or dates a section must add to be the story's own
ROW_WORDS = 12  # a row of a list of figures is a line this short
ROWS_MIN = 2  # rows a list has at least
_ROW_KINDS = frozenset(["heading", "labelled aside", "footnote"])
_NOT_ROWS = frozenset(
    ["pointer", "prompt", "comment", "contact", "end mark", "credit or disclaimer"]
)
SECTION_JUNK = 0.7  # and none of its blocks may be this likely appended (``tail_model``)
# Or the lines under it read as the story's on average: this many, this unlikely appended.
CALM_LINES = 2
SECTION_CALM = 0.4
_CALM_KINDS = frozenset(["story", "labelled aside", "turn"])
_CONTENT_WORD = re.compile(r"[a-z][a-z'’-]{4,}")
NEW_WORDS_SHARE = 0.5  # of its longer words a section that names nothing new must add
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d\d\s?(?:[ap]\.?m\b|$)", re.I)
# A name (a capitalised word not opening a sentence) or a figure.
_SPECIFIC = re.compile(r"(?<![.!?:]\s)(?<!^)\b[A-Z][\w'-]+|\b\d[\d.,:%]*")


# A timeline's row: a day, a date or a time, a colon, and what happened then.
_WHEN_ROW = re.compile(
    rf"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|{_MONTH}\.? \d|\d{{1,2}} {_MONTH}"
    rf"|(?:early|mid|late)[- ]{_MONTH}|\d{{1,2}}[:.]\d\d|(?:19|20)\d\d\b|today\b|tomorrow\b"
    r"|next (?:week|month)\b)(?:\d{1,2}:\d\d|[^:]){0,30}:\s+\S",
    re.I,
)
WHEN_ROW_WORDS = 20
_WHEN_KINDS = frozenset(["heading", "labelled aside", "footnote", "story", "turn"])


NUMBERED_ROW_WORDS = 40  # a numbered list's item runs at most this long
_NUMBER = re.compile(r"^(\d{1,2})[.)]\s")
# (The label may be the figure: "434c/kg: Top price for yearling steers, up 38c".)
_FIGURE_ROW = re.compile(
    r"^(?:[A-Z][\w'’.-]*(?: [\w'’.&-]+){0,3}:\s+[^\"“”]*\d|[$€£¥]?\d[\w$.,/%-]*:\s+[^\"“”]+)"
)


def _number(flat: str) -> int | None:
    match = _NUMBER.match(flat)
    return int(match.group(1)) if match else None


def _figure_row(flat: str) -> bool:
    """ "Label: ... figures ...", short, one statement, with no one quoted and no time stamp
    (a results box's "Results data: Servel. Last updated 11:58 p.m." is its footer)."""
    return (
        len(flat.split()) <= WHEN_ROW_WORDS
        and bool(_FIGURE_ROW.match(flat))
        and not _INNER_STOP.search(flat)
        and not _CLOCK.search(flat)
    )


_INNER_STOP = re.compile(r"[.!?]\s+[A-Z]")


# A tag: a name of one to three capitalised words, no figure ("Energy", "Qatar", "LNG").
_TAG = re.compile(r"^[A-Z][\w'’&.-]*(?: [A-Z&][\w'’&.-]*){0,2}$")


def _tag_run(flats: list[str]) -> bool:
    """Three or more tags and nothing else: the page's topic links. (No story of the tuning
    corpora, and none of the 91 real pages' truth bodies, ends in three such lines.)"""
    lines = [f for f in flats if f]
    return len(lines) > MAX_BARE_LINES and all(
        _TAG.match(f) and not any(c.isdigit() for c in f) for f in lines
    )


def _short_figure(flat: str) -> bool:
    """A line short enough to be a list's row, with a figure in it."""
    return len(flat.split()) <= ROW_WORDS and any(c.isdigit() for c in flat)


def _specifics(flat: str) -> set[str]:
    return {m.strip(".,").lower() for m in _SPECIFIC.findall(flat)}


ANSWER_WORDS = 40  # prose under a question from which it is the story's own subhead
QA_REPORTED = 3  # questions answered with something new that make a story told as Q&A


def _answered_at_length(kinds: list[str], words: list[int]) -> list[int]:
    """The questions followed by ANSWER_WORDS or more of prose before the next block that
    is not prose: a story's subheads. An appended FAQ answers in a sentence or two."""
    out = []
    for q, kind in enumerate(kinds):
        if kind != "generated question":
            continue
        run = 0
        for k, n in zip(kinds[q + 1 :], words[q + 1 :], strict=False):
            if k not in ("story", "empty"):
                break
            run += n
        if run >= ANSWER_WORDS:
            out.append(q)
    return out


def _reported_qa(kinds: list[str], reports: _Reports) -> bool:
    """A story told as questions and answers after an introduction ("Here's what you need
    to know."): QA_REPORTED or more questions whose answers give names and figures the
    story has not (``_Reports.at``). An appended FAQ restates."""
    questions = [q for q, k in enumerate(kinds) if k == "generated question"]
    return (
        len(questions) >= QA_REPORTED and sum(bool(reports.at(q)) for q in questions) >= QA_REPORTED
    )


def _qa_explainer(kinds: list[str]) -> bool:
    """A story told as questions and answers ("Where is it burning?" then a paragraph, three
    times or more) or as an interview (three turns or more) from its first blocks on: its
    questions are its subheads and its turns its text, not an appendix. Appended Q&A and
    interviews come after a story told in prose, or after their own heading ("Interview
    with Dr. ...")."""
    pairs = [
        i for i in range(len(kinds) - 1)
        if kinds[i] == "generated question" and kinds[i + 1] == "story"
    ]  # fmt: skip
    if len(pairs) >= 3 and pairs[0] <= 2:
        return True
    turns = [i for i, k in enumerate(kinds) if k == "turn"]
    return len(turns) >= 3 and turns[0] <= 2 and "appended interview" not in kinds[: turns[0]]


# What a removed boilerplate line may still say about the end: appended material runs here.
# A comment section's marks, and a pointer that leads short lines ("Related stories", then
# headlines); a removed call to action ("Click here to download the game") follows lists
# that are the story's own on real pages, and a pointer that leads nothing ("Filed under:
# ...") closes pages whose last short line is the story's (a source's citation).
_MARK_KINDS = frozenset({"comment", "pointer"})
_LEADS_ITEMS = frozenset({"pointer"})


def _marks(kinds: list[str], gone: frozenset[int]) -> list[str]:
    """``kinds`` with each removed block blanked unless it marks the end: a comment count
    that stood among short lines after the story ("Featured video", a headline,
    "Comments", a tag list) or a "Related" pointer leading headlines makes them appended
    material, as it would have had the boilerplate rules left it. Anywhere else a removed
    line changes nothing."""
    out = list(kinds)
    for i in gone:
        later = {k for j, k in enumerate(kinds[i + 1 :], i + 1) if j not in gone}
        leads = kinds[i] not in _LEADS_ITEMS or "heading" in later
        if kinds[i] not in _MARK_KINDS or not later <= {"heading", "empty"} or not leads:
            out[i] = "empty"
    return out


# What marks no tail as appended on its own: headings and prose, and the model's say-so.
_UNMARKED = frozenset({"heading", "story", "empty", "appended material"})


def _all_tail(
    kinds: list[str],
    words: list[int],
    asks: list[bool],
    labels: list[str | None],
    flats: list[str],
    story_words: int,
    interview: bool,
    reports: Callable[[int], str] = lambda _: "",
    calm: Callable[[int], bool] = lambda _: False,
) -> bool:
    """Every block is appended material or answers a question, turn or heading before it;
    the tail has at most 40 blocks and a few questions, its answers are shorter than the
    story (prose after a question near a real article's end is usually its own), and a
    plain heading leads short items only where something else marks the tail as appended.
    In an interview, more turns are more of the story. ``reports(j)``: the section under
    the subhead at ``j`` reports what the story above has not named; ``calm(j)``: it reads
    as the story does (``_Reports``)."""
    if len(kinds) > MAX_TAIL_BLOCKS:
        return False  # a table, a long list, a real Q&A: content, not an appendix
    if sum(asks) > MAX_TAIL_QUESTIONS:
        return False
    if "turn" in kinds and not any(asks) and not _alternates(labels):
        # "Name: ..." lines that ask nothing are lines of text (a blotter, a product's
        # name and blurb), not an exchange: prose, to be placed like any other.
        kinds = ["story" if k == "turn" else k for k in kinds]
    turn_words = sum(n for k, n in zip(kinds, words, strict=True) if k == "turn")
    if turn_words > 2 * max(story_words, MIN_STORY_WORDS):
        return False  # a short introduction, then the interview: the interview is the story
    # The model's say-so is not enough to make short lines after it appended items.
    marked = any(k not in _UNMARKED for k in kinds)
    if not marked and len(kinds) > MAX_BARE_LINES and not _tag_run(flats):
        return False  # a list of short lines (features, credits) ends many real pages
    answered, under_heading, prose, counted = False, False, 0, True
    blurb = False  # a prompt may be followed by one short line saying what it offers
    section = ""  # the subhead the prose runs under
    seen_mark = False  # a block above that marks the tail as appended
    appendix = False  # an FAQ's or an interview's own heading above
    for j, (kind, n, flat, ask) in enumerate(zip(kinds, words, flats, asks, strict=True)):
        if kind == "story" and section in _SUBHEADS and _is_reported(flat, n):
            return False  # "What happens next", then who said what: the story's own section
        if kind not in ("story", "empty"):
            # A content farm's "What does this mean for ...?" restates the story's reporting.
            section = "asked" if ask else kind
        if kind == "story" and blurb and n <= MAX_ANSWER_AFTER_HEADING:
            blurb = False
            continue
        blurb = kind == "prompt"
        # In a story told as Q&A, questions and turns are its own, unless a heading of the
        # tail's own ("Frequently asked questions", "Interview with Dr. ...") leads them.
        appendix = appendix or kind in ("appended FAQ block", "appended interview")
        if interview and kind in ("turn", "generated question") and not appendix:
            return False
        if kind == "appended analysis" and not seen_mark and calm(j):
            return False  # "What happens next", then the story's own account of it
        if kind in _LEADS_PROSE:
            answered, under_heading = True, False
            # Prose under a bare question may be a real article's own Q&A, so it must stay
            # short; under an unmistakable appendix (an FAQ, "What does this mean for...",
            # comments) it may run long.
            counted = kind in ("generated question", "turn")
        elif kind in ("pointer", "notes heading"):
            under_heading = True
        elif kind in ("sidebar", "heading") and not seen_mark and reports(j) == "rows":
            return False  # "The numbers", then rows of figures the story has not given
        elif kind in ("sidebar", "heading") and not seen_mark and calm(j):
            return False  # "Where they stand", then each side's position: the story's own
        elif kind == "sidebar":
            # A box's label ("Timeline", "Key points") leads appended items, unless what
            # runs under it reports what the story has not named ("By the numbers", then
            # figures) with nothing above it marking an appendix: the story's own section.
            under_heading = seen_mark or not reports(j)
        elif kind == "heading":
            # A plain heading leads the story's own items as often as an appendix: only
            # where something else marks the tail does it lead appended items, and not
            # where what runs under it is the story's own (as under a box's label). It also
            # ends what a bare question before it asked: what follows answers the heading.
            under_heading = marked and (seen_mark or not reports(j))
            answered = answered and not counted
        elif kind == "story":
            headed = under_heading and n <= MAX_ANSWER_AFTER_HEADING
            if not (answered or headed):
                return False
            prose += n if counted else 0
        seen_mark = seen_mark or kind not in _UNMARKED
    return prose <= max(120, story_words * 0.6)


def page_note(text: str) -> str | None:
    """What the page says of itself in one short block, wherever it stands: a credit or a
    disclaimer, a standing notice, a row of links; None otherwise. (``ingest.lead`` asks
    this of the blocks above a story: the rest of ``block_kind`` costs more than it tells
    there.)"""
    flat = _flat(text)
    n = size(flat)
    if n > PAGE_NOTE_WORDS or not flat or _is_reported(flat, n):
        return None
    return _standing(flat, _unquoted(flat))


PAGE_NOTE_WORDS = 60  # only blocks this short can be notes, credits or prompts


def _standing(flat: str, unquoted: str) -> str | None:
    """The page's standing notes in a block short enough and not reported news
    (``unquoted``: the block without what someone is quoted saying)."""
    if _CREDIT.search(flat) or _DISCLAIMER.search(flat) or _end_credit(flat):
        return "credit or disclaimer"
    if _is_row(flat):
        return "pointer"
    if _NOTICE.search(unquoted):
        return "notice"
    return None


def _is_row(flat: str) -> bool:
    """ "Related: A | B | C", "Share · Email · X": a row of links."""
    return ("|" in flat or "·" in flat or "•" in flat) and bool(_LINK_LIST.search(flat))


def block_kind(text: str) -> str:
    """What one block is, seen from the end of a story: "story" for prose."""
    return _kind(text, _flat(text))


def _flat(text: str) -> str:
    """The block's text without markdown marks or a leading pictograph ("📚", "▶ ", "• "),
    its spaces collapsed and its apostrophes the typewriter's: what the rules read."""
    flat = typewriter(" ".join(_MARKDOWN.sub("", text).split()))
    start = 0
    while start < len(flat) and (
        flat[start] in _MARKS
        or (flat[start] not in "©®℗" and unicodedata.category(flat[start]) in _PICTOGRAPHS)
    ):
        start += 1
    return flat[start:].lstrip()


_MARKS = frozenset("•·►▶▸→➜➤✓✔ ")
_PICTOGRAPHS = ("So", "Sk", "Cf", "Mn")  # emoji and their joiners and variation selectors


_MARKDOWN = re.compile(r"[*_#]+")


# A post embedded in the story: its text (with its picture link) and its attribution line,
# "— Jane Doe (@jdoe) November 19, 2019". Quoted material, however it is worded.
_EMBEDDED = Either(
    r"\bpic\.twitter\.com/|^[—–-]\s?[^()]{1,80}\(@\w{1,30}\)\s+[A-Z][a-z]+ \d{1,2}, \d{4}$"
)


def _kind(text: str, flat: str) -> str:
    """``block_kind``, given the block's ``_flat`` text too (``tail_start`` reuses it)."""
    if _EMBEDDED.search(flat):
        return "story"
    if _END_MARK.match(text.strip()) or _AGENCY_MARK.match(text.strip()):
        return "end mark"  # "###" before the markdown marks are dropped below
    n = size(flat)
    if not flat:
        return "empty"
    if n <= 40 and _ENDS_ISSUED.match(flat):
        return "end mark"  # "ENDS. Issued by the Press Office on behalf of the Minister"
    if n <= 5 and _NOTES.match(flat):
        return "notes heading"  # "Notes", "Further reading", "How to cite this publication"
    # Only blocks of 60 words or fewer can be notes, credits or prompts: the longer ones
    # (most of a story) skip the searches.
    note = n <= PAGE_NOTE_WORDS and not _is_reported(flat, n)
    unquoted = _unquoted(flat) if note else flat
    if note and (standing := _standing(flat, unquoted)):
        return standing
    if n <= 80 and not note and _is_row(flat):  # a note's row was looked for just above
        return "pointer"
    if n <= HOUSE_WORDS and _is_house_note(flat):
        return "house note"
    if note and n <= 40 and (_PROMPT.search(unquoted) or _subscribing(unquoted) or _emailed(flat)):
        return "comment" if _COMMENT_FORM.search(flat) else "prompt"
    if note and n <= 40 and _BROADCAST.match(unquoted):
        return "prompt"
    if (n <= 12 and _ANALYSIS.search(flat)) or (n <= 80 and _RECAP.match(flat)):
        return "appended analysis"
    if n <= 120 and _DEAR.match(flat):
        return "appeal"  # "Dear readers," alone, or with its plea in the same paragraph
    if n <= 8 and _COMMENT.match(flat):
        return "comment"  # "Maria K. says:", "Reply", "3 comments"
    if n <= 25 and _INTERVIEW.search(flat):
        return "appended interview"
    if n <= 12 and _FAQ.match(flat):
        return "appended FAQ block"
    if n <= 6 and _HOW_TO_HELP.match(flat):
        return "appeal"  # "How to help", then where to give: the paragraphs are the box's
    if n <= 12 and _SIDEBAR.match(flat):
        return "sidebar"
    if n <= 2 and _NOTE_MARK.match(flat):
        return "notes heading"  # a footnote's number on a line of its own
    if (n <= 60 and _BIO.match(flat)) or (n <= 12 and _AUTHOR.match(flat)):
        return "author bio"
    if n <= 40 and _TAG_LIST.match(flat):
        return "pointer"  # a list of tags or share links
    if n <= 100 and _ABOUT.match(flat):
        return "boilerplate"  # a press release's "About <Org>" paragraph
    if n <= 3 and _END_MARK.match(flat):
        return "end mark"
    if n <= 40 and _CONTACT.match(flat):
        return "contact"
    if (n <= 30 and _SIGNED.search(flat) and not _DATED_ITEM.match(flat)) or (
        n <= 20 and _FAREWELL.search(flat)
    ):
        return "sign-off"  # "Back on Friday with more. — Miriam"
    if n <= 5 and _VALEDICTION.match(flat):
        return "sign-off"  # "Best,", "More on Monday,", "L.": a letter's close
    if n <= 60 and _POSTSCRIPT.match(flat):
        return "sign-off"  # a newsletter's postscript: "PS — Several of you asked ..."
    if n <= 12 and _DURATION.search(flat):
        return "pointer"  # a video's link: "Watch the highlights · 2:31"
    if n <= 10 and _TICKER.search(flat):
        return "market ticker"
    if note and n <= 40 and (_addresses_reader(flat) or _is_imperative(flat, n)):
        return "prompt"
    if n <= 45 and _NUMBERED_QUESTION.match(flat):
        return "generated question"  # "1. What happened in Astana?": an FAQ's, not a note
    if n <= 80 and _FOOTNOTE.search(flat):
        return "footnote"
    ends = n <= 25 and bool(ENDS_SENTENCE.search(flat))  # asked of short blocks only
    headline = n <= 25 and not ends  # "Cricket: India A squad named"
    if n <= 80 and _is_aside(flat):
        return "labelled aside"  # before turns: "Disclosure: ..." is nobody speaking
    if "?" in flat and _FAQ_ENTRY.match(flat):
        return "generated question"  # "Q: ...? A: ...": an FAQ's entry, asked and answered
    if _QA_MARK.match(flat) or (n <= 120 and _is_turn(flat) and not headline):
        return "turn"
    if (
        n <= 45
        and _QUESTION.search(flat)
        and not flat.startswith(("“", '"', "‘", "'"))
        and not _STATEMENT_BEFORE.search(flat)
        and not _RHETORICAL.match(flat)
        and _QUESTION.search(_unquoted(flat))  # not a question someone is quoted asking
    ):
        return "generated question"
    if _is_pointer(flat, n, ends):
        return "pointer"
    if n <= 15 and not ends:
        return "heading"  # also a sign-off: "Press Service of the Ministry of ..."
    if n <= 80 and _FAQ_ITEM.match(flat) and not _RHETORICAL.match(flat):
        return "generated question"  # a question and its answer run together
    return "story"


# A box set off by a label of its own: "Key takeaways: ...", "Related coverage: ...",
# "Photo caption: ...", "Disclosure: ...". Outlets name these boxes in endless ways, but a
# story's own paragraph rarely opens with a noun phrase and a colon (1 of 1,658 last
# paragraphs of the tuning corpora, against 354 of 9,136 appended blocks); a clause before
# a colon ("The message was clear: ...") is the story's, and so is a speaker's name.
_ASIDE = re.compile(r"^(?P<label>[A-Z][\w'’-]*(?: [\w'’&-]+){0,4}) ?:(?P<rest>(?:\s+\S+){4})")
# The same boxes set off by a dash, a bar or a chevron ("ADVERTORIAL — ...", "Advertisement |
# ..."), which a dateline uses too ("LIMA — ..."): only a box named as one counts so.
_DASHES = re.compile(r"[—–|»]")
_ASIDE_DASHED = re.compile(
    r"^(?P<label>[A-Z][\w'’-]*(?: [\w'’&-]+){0,3})\s+(?:—|–|\||»)(?P<rest>(?:\s+\S+){4})"
)
_COUNTED = re.compile(r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten)$", re.I)
# A list's item names what it holds: "Southern section: Nigeria, Benin, Togo ...".
_NAMES_FIRST = re.compile(r"\s*[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)?,\s")
# In a place's name: "Port of Spain: ..." opens a story with its dateline.
_CONNECTIVES = frozenset(
    ["of", "de", "del", "des", "du", "da", "do", "dos", "das", "es", "el", "la", "le", "les",
     "al", "and", "the", "y", "e", "di", "van", "von", "der", "den"]
)  # fmt: skip
_CLAUSE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|remain(?:s|ed)?|seem(?:s|ed)?|says?|said"
    r"|add(?:s|ed)|t[eo]l(?:ls|d)|asks|(?<!frequently )asked|wr(?:ote|ites)|not(?:e|es|ed)"
    r"|explain(?:s|ed)?|insist(?:s|ed)?|according|reads|stat(?:e|es|ed)|warn(?:s|ed)|put it"
    r"|will|would|can|not|never|probably|perhaps|maybe"
    r"|could|may|might|must|should|did|does|do)\b"
    r"|^(?:he|she|they|it|we|i|you|his|her|their|its|our|my|this|that|these|those|one)\b",
    re.I,
)
# Labels of one word name such a box only as these do; "Rusu: ..." is a speaker, and a
# game story's "Notes: ..." is the story's own (a wire's recaps end with them).
_ASIDE_WORDS = frozenset(
    ["disclosure", "disclosures", "correction", "corrections", "clarification", "related", "faq",
     "faqs", "photo", "photos", "caption", "update", "updates", "source",
     "sources", "context", "disclaimer", "credits", "credit", "sponsored", "advertisement",
     "transparency", "methodology", "glossary", "explainer"]
)  # fmt: skip


# Boxes named in title case, which read as a speaker's name to the test below.
_BOX = re.compile(
    r"(?:forward-looking statements?|contributor(?:'s|’s)? note|a note on me|about (?:me|the"
    r" authors?|us)|notes? to editors?|before you go|promoted|sponsored(?: content)?|partner"
    r" (?:content|material)|editor(?:'s|’s) note|disclaimer|advertorial|paid (?:content|post"
    r"|partnership)|expert opinion|privacy (?:notice|policy|statement))",
    re.I,
)


def _is_aside(flat: str) -> bool:
    match = _ASIDE.match(flat)
    if not match:
        dashed = _ASIDE_DASHED.match(flat) if _DASHES.search(flat, 0, 60) else None
        # (Not "Related — officials said the delegations would meet again": news reads on.)
        return (
            dashed is not None
            and _named_box(dashed.group("label"))
            and not _NEWS_REPORT.search(_unquoted(flat[dashed.end("label") :]))
        )
    if _NAMES_FIRST.match(match.group("rest")):
        return False
    label = match.group("label")
    if _named_box(label):
        return True  # a box by its name: "Frequently Asked Questions: ...", "Key Takeaways: ..."
    words = label.split()
    if _COUNTED.match(words[0]):
        return False  # the story's own list: "Three things: more storage, faster wind ..."
    if len(words) == 1:
        return False  # a one-word box is named in _ASIDE_WORDS (``_named_box``)
    if _CLAUSE.search(match.group("label")):
        return False
    return any(w[0].islower() and w not in _CONNECTIVES for w in words[1:])


def _named_box(label: str) -> bool:
    if _FAQ.match(label) or _SIDEBAR.match(label) or _BOX.fullmatch(label):
        return True
    return " " not in label and label.casefold() in _ASIDE_WORDS


def _is_pointer(flat: str, n: int, ends: bool) -> bool:
    """A heading or line that points elsewhere: "Read more:", "Photo gallery: ... (12
    images)", "Full coverage of the World Cup on ...", "More sports", "Next in this series"."""
    pointer = _POINTER.match(flat) if n <= 20 else None
    # "You may also like...": an ellipsis leads on to the links, it ends no sentence.
    if pointer and (
        not ends
        or flat.endswith(("...", "…"))
        or pointer.group(0).rstrip().endswith((":", "|", "»", "›"))
    ):
        return True
    if n <= 8 and not ends and _COVERAGE.search(flat):
        return True
    if (n <= 15 and _COVERAGE_FIRST.match(flat)) or (n <= 4 and not ends and _MORE.match(flat)):
        return True
    return n <= 25 and bool(_NEXT.match(flat))


def _is_reported(flat: str, n: int) -> bool:
    """Is the block a sentence of news, someone reported saying or doing something ("a
    spokesperson declined to comment", "the regulator said", "one farmer asked")? Then its
    "newsletter", "subscribers" or "artificial intelligence" is the story's subject, not
    the page talking to its reader. A labelled note ("Editor's note: ...") is a note still."""
    if n <= REPORTED_MIN_WORDS or _LABELLED_NOTE.match(flat) or _WHO_REPORTED.match(flat):
        return False
    return bool(_NEWS_REPORT.search(_unquoted(flat)))


REPORTED_MIN_WORDS = 15  # a shorter line is a prompt's or a credit's, whatever verb it has
_NEWS_REPORT = Either(
    at_word_start(
        r"said|says|told|according to|asked|urged|warned|alleges|alleged|replied"
        r"|declined to comment|apologi[sz]ed|writing:"
        # Who did not answer the reporter: 36 story paragraphs of the tuning corpora, no
        # appended block ("... did not respond to our requests before this episode aired").
        r"|(?:did|has|have|had) not (?:immediately )?(?:respond|reply|return)|could not be reached"
    ),
    re.I,
)
_LABELLED_NOTE = re.compile(
    r"^(?:(?:legal )?disclaimer|(?:editor'?s |editorial )?note|correction|clarification"
    r"|an earlier version of this)\b",  # a correction's text, under its heading, quotes it
    re.I,
)


def _unquoted(flat: str) -> str:
    """What someone is quoted saying does not address our reader ("a digital subscription?
    What's your strategy?", asks an analyst)."""
    return _QUOTED.sub(" ", flat) if '"' in flat or "“" in flat else flat


# The page telling its reader what to do: a verb first, then whom or what ("Join us",
# "Read our", "Sign up for", "Watch the"). A story's own paragraph rarely opens so (1 of
# 9,000 in the tuning corpora, against 535 appended blocks); someone quoted does, and the
# quotes are searched apart (``_unquoted``).
# ("Watch for Kigali's response." is a writer's advice on the story, not a call to act.)
_IMPERATIVE = re.compile(
    r"^(?!watch (?:out )?for\b)"
    r"(?:start|join|tell|upgrade|sign|subscribe|follow|download|read|watch|listen|click|tap"
    r"|share|support|donate|get|try|add|send|visit|check|catch|explore|discover|learn|find"
    r"|register|book|grab|claim|unlock|enjoy|keep|stay|see|browse|shop|save|email|write"
    r"|contact|call|text|don't miss|never miss|be the first|become|give|help us|let us"
    r"|scroll|swipe|bookmark|rate|review|vote|take|play|hear|meet|reserve|apply|buy|order"
    r"|pre-?order)\b (?:us|our|the|a|an|your|this|these|more|now|up|out|to|for|on|in|it|all"
    r"|here|today|free|every|what|how|why|who|with|back|along|ahead)\b",
    re.I,
)


def _is_imperative(flat: str, n: int) -> bool:
    # A short line without a full stop ("Read the video transcript") heads what follows
    # it, as a heading does; a sentence tells the reader to act.
    return (n > 15 or bool(ENDS_SENTENCE.search(flat))) and bool(_IMPERATIVE.match(flat))


def _addresses_reader(flat: str) -> bool:
    if flat.startswith(("“", '"', "‘", "'")) or _REPORTED.search(flat):
        return False  # someone in the story speaking
    flat = _unquoted(flat)
    if _UI_VERB.search(flat):
        return True
    return bool((_CALL_VERB.search(flat) or _ADDRESSEE.search(flat)) and _MEDIUM.search(flat))


def _speaker(flat: str) -> str | None:
    match = _LABEL.match(flat)
    return match.group(1) if match else None


def _alternates(labels: list[str | None]) -> bool:
    """Some speaker speaks twice: an exchange, not a list of names."""
    named = [label for label in labels if label]
    return len(set(named)) < len(named)


def _is_turn(text: str) -> bool:
    """ "Editor: ...", "Dr. Ortiz: ...": a speaker label of a few capitalised words (not a
    dateline: "LIMA — ..." is all capitals)."""
    match = _LABEL.match(text)
    if not match or re.search(r"\d", match.group(1)):
        return False
    label = match.group(1)
    # "Beijing: China has ..." opens a story with its dateline; nobody speaks.
    return not ((label.isupper() and len(label) > 2) or label in known_places())

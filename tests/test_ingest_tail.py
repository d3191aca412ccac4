"""The story's end: appended material goes in any of its forms, the story stays."""

from __future__ import annotations

import pytest

from ingest.tail import block_kind, tail_start

STORY = [
    "LIMA (Austral Wire) — Peru and Bolivia agreed on Tuesday to set up a joint fund to clean "
    "up Lake Titicaca, the environment ministers of both countries said after talks in Lima.",
    "The fund will start with sewage plants in Puno and El Alto, which discharge most of the "
    "untreated water that reaches the lake, officials said in a joint statement.",
    "Both governments will put in $20 million over five years, and the Inter-American "
    "Development Bank is expected to match that sum, according to the statement.",
]


@pytest.mark.parametrize(
    "tail",
    [
        ["What were the key results of the Peru–Bolivia meeting in Lima?"],
        ["What does this mean for the Andean region?",
         "It could change a great deal, or very little. Time will tell, as it always does."],
        ["Why does this matter?", "Interview with Dr. Ana Flores, water policy expert",
         "Editor: Thank you for joining us. Is this a turning point?",
         "Dr. Flores: It is a start. The money is small for a lake this size."],
        ["Frequently asked questions", "Who pays for the fund?", "Both governments do.",
         "When will work start?", "Next year, officials said."],
        ["Also read", "Lima's water crisis explained", "Bolivia's new environment minister"],
        ["Key facts", "Lake Titicaca lies 3,812 metres above sea level.",
         "It is shared by Peru and Bolivia."],
        ["(Reporting by Ana Quispe in Lima; Editing by Tom Hale)", "($1 = 3.71 soles)"],
        ["[Editor: Zhou Min]", "Scan the QR code to follow Xinhe Daily on WeChat"],
        ["This article was rewritten from agency reports with the help of AI tools."],
        ["Want more news from the Andes? Subscribe to our free evening bulletin."],
        ["Ana Quispe covers the Andes for the Austral Wire.", "Follow her on X @anaquispe"],
        ["Leave a Replay", "Your email address will not be published.", "Cancel reply"],
        ["Comments", "Maria K. says:", "Great article! Very informative.", "Reply",
         "TomR says:", "Lithium is the new oil. Mark my words.", "Reply"],
        ["What does this mean for the future of electric cars?", STORY[1], STORY[2], STORY[1]],
        ["Got a news tip? Call 330 1234 or drop in at 14 Gordon Street.",
         "Gazette subscriptions: pay at any post office or online."],
        ["Get the Andes Post app for breaking news alerts"],
        # A think tank's end matter: notes, disclaimer, author, citation, tags, donation ask.
        ["Notes", "Ministry of Environment, annual report 2025. ↩",
         "The views expressed are the author's own.", "About the author",
         "Ana Quispe is a senior fellow at the Andes Institute, where she leads its water "
         "programme.",
         "Suggested citation: Quispe, A. (2026) 'The Titicaca fund', Andes Review, 3 March.",
         "Topics: Peru, Bolivia, Water", "Share: Email · X · LinkedIn",
         "The Andes Review is free to read. Please consider supporting our work.", "Donate"],
        # An aggregator's: provenance, reactions, sponsored links that look like turns.
        ["This story originally appeared on Austral Wire.", "Like · Comment · Share",
         "Sponsored content", "Doctors Stunned: Simple Morning Habit Helps Joint Pain",
         "More for you", "Bolivia's new environment minister", "Austral Wire"],
        # A newsletter's: who paid for the issue, housekeeping, a postscript.
        ["🧭 This week's edition is sponsored by Andes Rail, sleeper trains from Cusco."],
        ["Our sponsor: the Titicaca Trust, funding clean water since 1998."],
        ["The Andes Letter is underwritten this season by the Quispe Foundation."],
        ["Housekeeping: no letter on Monday, it is a holiday here.",
         "P.S. — A few of you wrote in about the lake's depth. More on that soon for paid "
         "subscribers."],
        ["Normal service (fewer lakes, more summits) resumes on Thursday."],
        # A broadcaster's: the clip and its length, the live map, the section's links.
        ["▶ Watch the report · 2:47"], ["Follow the clean-up on our interactive map."],
        ["Complete coverage of the lake on Andes TV Noticias.", "More environment",
         "Bolivia names new water minister", "Puno farmers protest quotas"],
        ["With material from Reuters and the Bolivian environment ministry."],
        ["— Reporting by Ana Quispe in Puno; editing by Tom Hale"],
        ["For reprints and licensing of this article, email the Austral Wire sales team."],
        ["Image credits: Andes Post archive."],
        ["For continuing coverage of the lake talks, see our Titicaca page."],
        ["Watch the signing ceremony in full on the ministry's YouTube channel.",
         "The full recording is available on the ministry's website."],
        ["Markets", "Copper $9,420 ▲0.8%", "PEN/USD 3.71 ▼0.2%", "S&P/BVL 28,112 ▲0.4%"],
        ["Photo gallery: Titicaca's shore in pictures (9 images)"],
        ["Like this: Like Loading..."],
        ["Next in this series: the Amazon's rivers — 12 May, Iquitos. Registration opens soon.",
         "Our analysts' view of the region, fortnightly. No spam, unsubscribe at any time."],
        ["What experts are saying", "“It is a modest start,” says one analyst in La Paz."],
        # A syndicated story's: the unedited-feed disclaimer and "(With inputs from ...)".
        ["(With inputs from PTI)", "(This story has not been edited by Andes Post staff and "
         "is auto-generated from a syndicated feed.)", "Follow us on Google News"],
        # A Drupal comment thread and its form.
        ["Lire aussi / Read also:", "Bolivia's new environment minister", "Comments (1)",
         "Wendkouni (not verified)", "Mercredi 14 janvier 2026 - 08:12",
         "Bravo au gouvernement.", "reply", "Your name",
         "The content of this field is kept private and will not be shown publicly.",
         "No HTML tags allowed."],
        # A press release's end, and a newsroom's corrections, credits and disclaimers.
        ["###", "About the Andes Institute", "The institute works on water policy in the "
         "Andes.", "Media contacts", "In Lima: press office, +51 1 000 0000",
         "Les commentaires sont fermés."],
        ["Correction, 17 April 2026: An earlier version of this article said the fund was "
         "$30 million.", "Translated from Spanish by Lucía Ferrer.",
         "This article is for information only and does not constitute investment advice.",
         "Data: INEI, BCRP; prices as of 16:00 Lima time."],
        # The page talking to its reader about itself, in words no rule lists one by one.
        ["Tap to hear the minister's full briefing."],
        ["Love rivers? Follow the Environment channel in our app."],
        ["Turn on alerts to get Titicaca updates as they happen."],
        ["If you found this useful, you can support the site with a small donation."],
        ["Sign up for Andes Morning", "The region's news, in five minutes, before breakfast."],
        ["This story has been updated with comments from the Bolivian minister."],
        ["This is a developing story."],
        ["Commodity prices supplied by Andes Data. Delayed by at least 20 minutes."],
        ["Our water coverage is funded by a grant from the Lake Trust, which has no say over "
         "what we publish."],
        # A blogger's end: a footnote on its own number, a sign-off, a postscript.
        ["1", "I have relied on the ministry's summary; the full text is not out yet."],
        ["More from Lima tomorrow. Good night."],
        ["Stay safe, everyone. — A."],
        ["P.S. Sorry for the late post: the power was out all week."],
        ["Useful numbers: civil defence 115, Red Cross 110."],
        # Headed boxes: more coverage, ways to give, a conclusion, an expert's view.
        ["Titicaca: full coverage", "Lima's water crisis explained", "Six numbers on the lake"],
        ["How to give", "Red Cross Peru, reference TITICACA", "Please share this page."],
        ["In conclusion", "The fund is an important step. Only time will tell whether it "
         "brings the change the region needs."],
        ["Expert view", "Dr. Ana Flores, water economist, told the Andes Post:",
         "“It is a start, but the money is small for a lake this size.”"],
        ["Key points", "A $40 million fund", "Sewage plants first",
         "Andes Business: the money news, in a minute a day."],
        # A wire's code alone, notes about the video or its rights, the piece's provenance.
        ["(AWS)"], ["==AWS"],
        ["Captions for this video were generated automatically and may contain errors.",
         "The full interview is available to subscribers only due to licensing restrictions."],
        ["This report was supplied by the Austral Wire under a content-sharing agreement."],
        ["This analysis is part of our series on the Andes' water."],
        ["[Alert] Get push alerts on the lake from the Andes Post app."],
        # A think tank's end: endnotes, further reading, how to cite.
        ["Further reading", "Quispe, A. (2025) Water and power on the Altiplano. Lima: Andes "
         "Institute Press, a study of who pays for the lake and who drinks from it.",
         "How to cite this publication", "Quispe, A. (2026) 'The Titicaca fund', Andes "
         "Review, 3 March, available from the institute's website and in print."],
        # The same notes in the languages of pages that keep them in an English edition.
        ["Mise à jour à 21h02 : ajoute la réaction du ministre bolivien.",
         "Rectificatif (12 mars) : une version précédente de cet article donnait 30 millions.",
         "L'essentiel", "Un fonds de 40 millions", "Les stations d'épuration d'abord"],
        # Real outlets' endings (the endings battery's tuning half, reworded): editors'
        # initials and sources, a wire's legal disclaimer, an NGO's appeal and taxonomy, a
        # newspaper's letter to its readers, a live-news prompt.
        ["ss/rc (AP, Reuters, dpa)"],
        ["Legal Disclaimer:", "Andes Wire provides this news content \"as is\" without "
         "warranty of any kind. We do not accept any responsibility or liability for it."],
        ["Your tax deductible gift can help stop abuses around the world.", "$50", "$100",
         "Other", "Region / Country", "Americas", "Peru", "Topic", "Water"],
        ["Dear Reader,", "The Andes Post has always strived to bring you news that matters.",
         "We, however, have a request.", "As we face hard times we need your support even "
         "more, so that we can keep offering you quality content, and our subscription "
         "model has seen an encouraging response from many of you.",
         "Support quality journalism and subscribe to the Andes Post."],
        ["Track Latest News Live on andespost.example and get news updates from the region",
         "Peru, Bolivia, Lake Titicaca"],
        # Real outlets' conventions written from memory (a battery of 148 endings of wires,
        # papers, state media, think tanks and platforms, kept out of the repo): who else
        # worked on it, where it came from, what the revision changed, the print edition.
        ["___", "Associated Press writers Ana Quispe in Lima and Luis Mamani in La Paz "
         "contributed to this report."],
        ["Andes Post staff writer Rosa Condori contributed to this report."],
        ["Some information for this report came from The Associated Press and Reuters."],
        ["(ANDES 24 with AFP)"], ["Read the original article on The Altiplano Citizen."],
        ["(Updates with minister's comment in fourth paragraph.)"],
        ["This story originated in the Andes Post's Spanish service."],
        ["This article appeared in the Americas section of the print edition under the "
         "headline \"A lake to share\""],
        ["Published in The Andes Tribune, March 4th, 2025."],
        ["This article was translated from Spanish by the Andes Post's English edition."],
        ["Translation of an original article published in Spanish on andespost.example; the "
         "publisher may only be liable for the Spanish version."],
        ["(Web editor: Rosa Condori, Luis Mamani)"], ["(By Rosa Condori)", "Enditem/rc"],
        # Reuse, republishing, a portal's and a shop's promotions, feedback, bios.
        ["Explore more on these topics", "Share", "Reuse this content"],
        ["Andes Eye delivers independent coverage of the region. To learn more about "
         "republishing this content and the associated fees, please fill out this form."],
        ["Get Latest World News along with Latest News and Top Headlines from Peru and "
         "around the world."],
        ["Purchase the 2026 Andes Water Report with 20% off."],
        ["We'd love to hear from you. Send us your feedback."],
        ["Rosa Condori is Professor at the National University of the Altiplano."],
        ["Rosa Condori is a PhD candidate at the University of La Paz."],
        # A letter to the readers in one paragraph, and the donation widget under it.
        ["A Message from The Andes Post:", "Dear readers, we are facing unprecedented "
         "challenges. Our reporters have been declared foreign agents.", "Once-off",
         "Monthly", "Annual", "Continue"],
        # A comment form's remnants mark the end, as a comment count does.
        ["Leave a Comment", "0 + 0 ="],
        # A content farm's and a WordPress theme's endings (a battery of 54 from memory).
        ["Related", "Ministers meet again in Cusco", "In \"World\""],
        ["Post navigation", "Previous Post: Floods hit northern province",
         "Next Post: Central bank holds rates"],
        ["Originally reported by Austral Wire."],
        ["We spoke with regional analyst Marat Ospanov.", "Interviewer: Is a deal close?",
         "Ospanov: Closer than a year ago, but not close."],
        ["(Image generated with AI for illustrative purposes.)"],
        ["Summary: The two countries agreed to set up a fund to clean up the lake, starting "
         "with sewage plants in Puno and El Alto."],
        # An aggregator's appendices (a battery of 30 from memory: 18 -> 23): an expert's
        # box, readers' reactions, numbered questions, a share prompt.
        ["Expert Insight", "“This is a cautious but real step,” said Dr. Aliya Quispe, a "
         "water expert."],
        ["Analyst's View:", "Regional analyst Marat Mamani believes the fund could reshape "
         "water politics."],
        ["What readers are saying", "“Finally some good news,” wrote one reader."],
        ["1. What happened in Lima?", "The ministers agreed to set up the fund.",
         "2. What comes next?", "The first plants will be built next year."],
        ["Share this story with someone who cares about the lake."],
        # A publisher's standing notices in prose (a battery of 300 appended blocks and 300
        # story endings from 15 kinds of site: rules alone 0.647 -> 0.900 cut, story
        # endings cut 0.113 -> 0.013).
        ["This text may not be reproduced or redistributed without prior written permission "
         "from the Lake Wire."],
        ["The Lake Wire's coverage of water and climate is supported in part by a grant from "
         "a private foundation. The Wire retains full editorial control."],
        ["If you or someone you know has been affected by the floods, support and information "
         "are available through our helpline."],
        ["Prices were correct at the time of writing but may change; check the shop's own "
         "page for the latest offers."],
        ["This report was machine translated from the original Quechua and may contain "
         "errors."],
        ["Join us on 12 May for a live online discussion with the authors of this report."],
        ["The Altiplano Water Institute is an independent, nonpartisan research organisation "
         "based in La Paz. The views expressed here are the author's own."],
        ["This story was reported by Ana Quispe in Lima and edited by Rolando Paz."],
        ["Ana Quispe is a fact-checker at the Lake Wire who covers water and the Andes."],
        ["A quick housekeeping note: next week's edition will arrive on Tuesday."],
        # The outlet describing its own staff, and caveats on its figures (blocks battery
        # c, fifteenth session: 0.835 -> 0.910 cut; held-out b and d 0.740 -> 0.780, 0.795).
        ["Every week our lake desk answers one question sent in by a reader, with help from "
         "hydrologists at two universities."],
        ["From Puno to Copacabana, our correspondents spend weeks on the shore to bring you "
         "stories that rarely make the national news."],
        ["Water levels shown are provisional readings and are subject to change."],
        ["Exchange rates are as of Friday's close and may have moved since."],
        ["The index should not be used as the sole basis for investment decisions."],
        ["Opinions expressed are the contributor's and do not reflect the views of the Wire."],
        ["This briefing was produced with funding from a development bank. Its contents are the "
         "sole responsibility of the Lake Wire."],
        # The typographic apostrophe reads as the typewriter's.
        ["Editor’s note: An earlier draft gave the wrong sum. It has been corrected."],
        # A row of links, under a label the rules read as a speaker's name.
        ["Related Stories: Bolivia names new envoy | Lima water tariffs rise | Puno mayor quits"],
        ["Written by Rosa Quispe · 2.4K Followers · Covers the Andes for the Lake Wire"],
        # A picture's caption and credit left after the story.
        ["Fishermen haul nets near Puno on Monday. (Photo: Lake Wire/Carlos Mamani)"],
        ["This unofficial translation is provided for convenience; the Spanish text shall "
         "prevail."],
        ["Past performance is not a reliable guide to future returns."],
        # Boxes named in title case, a release's end mark with its issuer, a helper's
        # credit, help lines and a content warning, a newsroom's error link, appeals.
        ["Frequently Asked Questions: Why did the two governments set up the fund? They "
         "wanted to clean up the lake."],
        ["Key Takeaways: A fund was agreed. Sewage plants come first. Both sides pay."],
        ["Forward-Looking Statements: This release contains statements about future events "
         "that involve risks."],
        ["Contributor note: Rosa Quispe is a volunteer contributor and a journalism student."],
        ["ENDS. Issued by the Press Office on behalf of the Minister for the Environment."],
        ["Reporting was contributed by Carlos Mamani from La Paz and Ana Ruiz from Puno."],
        ["If you or anyone you know needs help: Lake Lifeline on 0800 555 0199."],
        ["Readers are advised that this article contains images of people who have died."],
        ["Report an editorial error. Report a technical issue. Editorial code of conduct."],
        ["Support independent lake journalism by making a gift to the Lake Wire this month."],
        ["If you enjoyed this piece, give it a clap and follow me for more on the Andes."],
        # An FAQ's entry asked and answered in one block; reuse terms that forbid; whose
        # opinion the page does not share; a typo form's key.
        ["Q: Can foreign firms bid for the lake contracts? A: Yes, through a partner in Puno."],
        ["Reproduction of any material from this site without the permission of the Lake "
         "Wire is prohibited."],
        ["The opinion of the author may not coincide with the position of the editorial office."],
        ["Found an error? Select the text and press Ctrl+Enter."],
        # Boxes named before a dash or a bar; an update's time stamp; terms of quoting.
        ["ADVERTORIAL — This content was supplied by a Puno hotel group and does not reflect "
         "the editorial position of the Lake Wire."],
        ["Advertisement | Titicaca Cruises: three nights on the lake from 900 soles."],
        ["EXPERT OPINION — Q: Will the fund clean the lake in time? A: Not before 2030, says "
         "one hydrologist."],
        ["Updated at 14:32 with a statement from the Ministry of the Environment."],
        ["This news item was updated with statements from the Bolivian embassy."],
        ["When using the agency's materials, a hyperlink to the source is mandatory."],
        ["The reporter's name has been withheld for security reasons."],
        ["Partner material. Published on commercial terms."],
        # A credit whose editor's name reads like a verb of reporting.
        ["Reporting by Lina Haddad in Puno; additional reporting by Karim Fawzi in La Paz; "
         "editing by Omar Said"],
        # A station's programmes and when they are on; its live stream behind a player's mark.
        ["Extra Cover, Metro Radio’s sport podcast, has full reaction from 7 am."],
        ["Meera Nair speaks to the minister on The World Tonight at 9 pm."],
        ["ALSO READ: Indus Waters talks resume in Vienna; India seeks changes to 1960 treaty",
         "▶ Listen live: Metro Radio 102.6 FM"],
        ["— ENDS —"],
        ["Notes to editors", "The fund was first proposed at a 2019 summit in Cusco."],
        # The line that introduces an invented interview goes with it.
        ["We asked Dr. Pieter van Dijk, a trade economist, what the deal means.",
         "Q: Is this a good deal for Peru?", "A: Yes. The lake matters to both economies."],
        # Written for these tests (twenty-fourth session): notes of a revision, a donation
        # box, a letter's close, WordPress's feed signature.
        ["Correction, Nov. 3: An earlier version of this article misstated the date of the "
         "vote."],
        ["Update, 4:10 pm: adds minister's comment, new figures."],
        ["How you can help", "Several charities are collecting donations for families in the "
         "valley. We do not endorse any of them."],
        ["Best,", "Marta Kowalczyk", "Forwarded this email? Subscribe here for more."],
        ["Until next week,", "M."],
        ["The post Ministers meet in Oslo appeared first on North Ledger."],
        ["That's it for this week. Have a lovely weekend."],
        ["Thanks for reading. Back on Friday with the usual roundup."],
    ],
)  # fmt: skip
def test_appended_material_goes(tail: list[str]) -> None:
    found = tail_start([*STORY, *tail])
    assert found is not None and found[0] == len(STORY), [block_kind(t) for t in tail]


@pytest.mark.parametrize(
    "texts",
    [
        STORY,
        # A rhetorical question early in a story cuts nothing.
        [STORY[0], "So why now?", STORY[1], STORY[2], STORY[1], STORY[2]],
        # A real interview: its turns are the story.
        [STORY[0], "Q: Is this a turning point?", "A: It is a start, and a good one.",
         "Q: What comes next?", "A: The plants, then the villages along the shore."],
        # An interview after a one-paragraph introduction, much longer than it.
        [STORY[0], *[t for _ in range(4) for t in (
            "Q: What did you ask for?", "A: " + STORY[1], "Q: Did you get it?", "A: " + STORY[2],
        )]],
        # A story told as questions and answers from the start.
        [STORY[0], "Where is it?", STORY[1], "Why now?", STORY[2], "What next?", STORY[1],
         "Who pays?", STORY[2]],
        # A subheading with full paragraphs under it is the story's.
        [*STORY, "Background", STORY[1], STORY[2]],
        # A quoted question ends many stories.
        [*STORY, "“Who will pay for the villages?” asked the mayor of Puno."],
        # A long how-to: a paragraph that ends by asking, a rhetorical question, then more
        # sections under plain headings. Nothing here is appended.
        [*STORY, "That's it. Once the fund is set up, the work can start. Ready?",
         "The building stage", STORY[1], "But it does feel slow, doesn't it?", STORY[2],
         "The last stage", STORY[1], STORY[2], STORY[1]],
        # A story that reports on an earlier version of a report keeps its last paragraph.
        [*STORY, "An earlier version of this report was leaked to the press in March, "
         "officials in La Paz said."],
        # A closing line that merely mentions views or a feed is story.
        [*STORY, "Critics say the views of villagers were never sought, and the feed of "
         "untreated water into the lake goes on."],
        # Last lines that begin like a call to the reader but report the story.
        [*STORY, "Share prices of the water utility fell 3% on the news."],
        [*STORY, "Follow-up talks on the fund's site office will be held in La Paz."],
        [*STORY, "Residents can follow the works on a ministry app, officials said."],
        [*STORY, "Watch groups want the fund's accounts posted online."],
        [*STORY, "The new filters are available in Peru only, the company said."],
        # Last lines that share words with a sponsor line, a ticker or a postscript.
        [*STORY, "The plan is supported by Chile and Ecuador, which share the basin."],
        [*STORY, "The fund is underwritten by the development bank, officials said."],
        [*STORY, "PSG's owners have also pledged money for the clean-up, the ministry said."],
        [*STORY, "More talks are planned for June in La Paz."],
        pytest.param(
            [*STORY, "The ministers' full statement is available in Spanish only."],
            # The tail model retrained with blocks_g and blocks_i (twentieth session) picked
            # 0.90 by its own rule (at most 0.1% of unseen outlets' story endings flagged in
            # cross-validation; it was 0.93) and gives this line 0.92: a known miss, kept
            # visible rather than tuned away.
            marks=pytest.mark.xfail(strict=True, reason="the tail model flags it at 0.92"),
        ),
        # Real pages' own endings (from the 91 real pages' truth bodies): question subheads
        # the story answers at length, then more of them; an analyst's quoted question; an
        # embedded post and its attribution; a conclusion under "The bottom line".
        [*STORY, "Who pays the cost of the fund?", STORY[1] + " " + STORY[2],
         "Don't the plants produce revenue?", STORY[2] + " " + STORY[1],
         "What has the fund paid for so far?", STORY[1], STORY[2],
         "What comes next for the lake?", STORY[1], STORY[2]],
        [*STORY, "“After two more years of this,” an analyst asks, “what will be left in the "
         "lake that readers feel is worth a digital subscription? What's your strategy?”"],
        [*STORY, "Who are we as a region if we let the lake die? pic.twitter.com/AbCdEf12",
         "— Ana Quispe (@anaquispe) March 3, 2026"],
        [*STORY, "The bottom line", "The fund is small for a lake this size.",
         "But it is the first the two countries have set up together."],
        # Separators and a slash in prose, a credit-like parenthesis mid-sentence, a
        # translation in the news: none is a row of links, a caption or a notice.
        [*STORY, "Tariffs on Bolivian quinoa (the main export/import item) fell in May, the "
         "ministry said."],
        [*STORY, "Quinoa trade across the lake fell in May on both routes (export/import)"],
        [*STORY, "Peru’s foreign ministry said an unofficial translation of the accord had been "
         "circulated to lawmakers before the vote."],
        # A quantity, not an "About <Org>" paragraph; someone quoted from a social network.
        [*STORY, "About 59 million people live in the basin."],
        [*STORY, "He responded in a video posted on his Facebook page, saying: \"They will "
         "not succeed. See you in parliament.\""],
        # Last lines that share words with the battery's credits and promotions.
        [*STORY, "Trade across the lake fell to $4 billion last year, 20% off its 2019 peak."],
        [*STORY, "Engineers from both countries contributed to the study, which will be "
         "published in June."],
        [*STORY, "The latest round of talks was the fourth this year."],
        [*STORY, "The two sides also discussed visa rules (updates to which are expected "
         "next year) and the reopening of consulates."],
        [*STORY, "“Dear friends, we have waited too long for this day,” the minister told "
         "the crowd in Puno."],
        [*STORY, "The minister spoke with AFP on the sidelines of the meeting and said the "
         "works could start within weeks."],
        [*STORY, "Young voters in Puno were urged to join the conversation on the lake's "
         "future, the organisers said."],
        [*STORY, "Analysts' views differ on whether the fund will be enough."],
        # News about newsletters, subscriptions and AI is news: someone is reported saying
        # or doing something.
        [*STORY, "The utility said it had warned customers by text message not to sign up "
         "for offers promising free water connections."],
        [*STORY, "Asked whether the report had been drafted with the help of artificial "
         "intelligence, a ministry spokesperson declined to comment."],
        [*STORY, "'Sign up for what?' one farmer asked when officials arrived with the new "
         "water permits. 'They have promised us this three times.'"],
        [*STORY, "The company's chief executive told analysts its paid subscriptions had "
         "passed two million for the first time, adding that growth came from Peru."],
        [*STORY, "The project received funding from the European Union and will be completed "
         "by 2027."],
        [*STORY, "Chile is the world's largest copper producer, accounting for about a quarter "
         "of global output."],
        # The outlet's staff in a report, or in someone's words; a guarantee refused in one.
        [*STORY, "The ministry has not responded to written questions our reporters sent two "
         "weeks before publication."],
        [*STORY, "“Our team of engineers will be on the shore by Monday,” the minister said."],
        [*STORY, "Officials said the fund does not guarantee that every town gets a plant, "
         "only that the first ten will be built."],
        # A question someone is quoted asking; a briefing's question that states its case
        # first.
        [*STORY, "Asked whether Bolivia would pay its share, the minister replied: \"Why would "
         "we refuse, when the lake is ours too?\""],
        [*STORY, "Q: Reports say the fund will be doubled next year. Can you confirm? A: I have "
         "no information to offer on that."],
        # A dateline's dash is no box's: the next item of a round-up.
        [*STORY, "LA PAZ — Bolivia's own statement on the fund is expected on Friday, a "
         "government spokesperson said."],
        # The reporter asking, then the story's answer: no interview follows.
        [*STORY, "We asked the ministry whether the fund would be audited.",
         "It said an independent auditor would report to both parliaments every year."],
        [*STORY, "The first plant is due to be inaugurated at 9 am on Monday."],
        # Newsletters and signing up as the story's subject, told to nobody in particular.
        [*STORY, "The ministry's own newsletter to exporters, sent on Tuesday, made no mention "
         "of the new permit fees for the lake's fish farms."],
        [*STORY, "Residents can sign up for flood alerts through the regional notification "
         "system by texting their district's name to a five-digit number."],
        # A writer's advice on what comes next is the story's, not a call to act.
        [*STORY, "Watch for Lima's answer. It usually comes within the week, and in kind."],
    ],
)  # fmt: skip
def test_the_story_stays(texts: list[str]) -> None:
    assert tail_start(texts) is None


@pytest.mark.parametrize(
    "tail",
    [
        # A real page's own list of short lines.
        ["Dare to Play 3:", "Hundreds of tasks for two", "Dozens of tricky questions",
         "A large variety of challenges", "Quizzes, surprises and bonuses"],
        # A police blotter: "Name: charges" asks nothing.
        ["Elizabeth A. Burton: Possession of methamphetamine, possession of paraphernalia.",
         "John Roe: Driving under the influence, failure to maintain lane."],
        # A table's cells.
        ["Driver", *(f"Car {n}" for n in range(60))],
        # A tour's dates, each ending in a place after a dash (not a signature).
        ["The Andes Orchestra Tour Dates", "June 14 – Puno, PE @ Teatro Municipal",
         "August 8 – El Alto, BO @ Coliseo – La Paz", "August 14 – Cusco, PE @ Plaza – Cusco"],
    ],
)  # fmt: skip
def test_a_real_pages_own_ending_stays(tail: list[str]) -> None:
    assert tail_start([*STORY, *tail]) is None


def test_text_without_spaces_is_not_a_heading() -> None:
    japanese = (
        "Kindle書籍を読む場合は、一般的にスマホやタブレットなどの"
        "モバイル端末で読むことが多いと思います。"
    )
    assert block_kind(japanese) == "story"


def test_split_patterns_agree_with_the_whole_on_every_labelled_text() -> None:
    # Either tries anchored alternatives once and searches the rest behind a lookahead on
    # their first characters: an optimisation that must never change an answer. Checked,
    # for every such pattern of the cleaning rules, on every text the outlets corpus labels.
    from ingest import lead, tail
    from ingest.either import Either

    texts = [t for a in _tuning_articles() for t in (*a["body"], *a["junk_tail"], *a["junk_head"])]
    assert len(texts) > 5000
    patterns = [v for m in (tail, lead) for v in vars(m).values() if isinstance(v, Either)]
    assert len(patterns) >= 8
    for pattern in patterns:
        for text in texts:
            flat = " ".join(text.split())
            assert pattern.search(flat) == bool(pattern.combined.search(flat)), flat


def _tuning_articles() -> list[dict]:
    import json
    from pathlib import Path

    root = Path(__file__).parent / "fixtures" / "outlets" / "tuning"
    return [
        a
        for path in sorted(root.glob("*/labels.json"))
        for a in json.loads(path.read_text(encoding="utf-8"))["articles"]
    ]


def test_a_removed_comment_count_still_marks_the_headlines_after_a_story() -> None:
    """The boilerplate rules take "Comments" before the tail rules run; where it stood, among
    short lines after the story, it still says they are appended, not the story's list."""
    tail = ["Featured Video Of The Day", "Lima signs the Titicaca pact", "Comments",
            "Peru, Bolivia, Lake Titicaca"]  # fmt: skip
    texts = [*STORY, *tail]
    without = [t for t in texts if t != "Comments"]
    assert tail_start(without) is None  # bare short lines: a list, maybe the story's
    found = tail_start(texts, gone=frozenset({len(STORY) + 2}))
    assert found is not None and found[0] == len(STORY)
    # Not a call to action: real pages end their own lists with one ("Click here to ...").
    tail[2] = "Click here to download the game."
    assert tail_start([*STORY, *tail], gone=frozenset({len(STORY) + 2})) is None


def test_a_removed_related_pointer_marks_the_headlines_it_leads() -> None:
    """A "Related stories" line the boilerplate rules took still leads the headlines after
    it out; a tag line that leads nothing ("Filed under: ...") leaves the story's last
    short line (a citation) where it was."""
    headlines = ["Lima signs the Titicaca pact", "Bolivia names new envoy",
                 "Quinoa exports fall again", "Andean ministers meet in Quito"]  # fmt: skip
    assert tail_start([*STORY, *headlines]) is None  # bare short lines: maybe a list
    found = tail_start([*STORY, "Related stories", *headlines], gone=frozenset({len(STORY)}))
    assert found is not None and found[0] == len(STORY), found
    # As a real page ends: a citation, an emptied line, a tag line, the last two removed.
    cited = [*STORY, "[Andean Water Report, p. 41]", "", "Filed under: Peru |"]
    assert tail_start(cited, gone=frozenset({len(STORY) + 1, len(STORY) + 2})) is None


@pytest.mark.parametrize(
    "aside",
    [
        "Bottom line for importers: the fund changes nothing about tariffs on Bolivian quinoa.",
        "Quick context: Lake Titicaca has been on the national agenda of both countries for years.",
        "Disclosure: our parent company sponsors a water-research prize at a Lima university.",
        "Ana Quispe has covered water and mining across the Andes since 2015 for this paper.",
        "The writer is a former hydrologist and teaches environmental policy in Cusco.",
        "If you are struggling with your mental health, a free helpline is open every day.",
        "Start your 14-day free trial and read every Andes briefing without limits.",
        "Read our guide to the lake's fishing villages before your next trip to Puno.",
        "Read next: Chile and Peru extend their fisheries truce; Lima's port strike ends.",
        "Frequently asked: Who runs the fund? A board of both ministries, officials say.",
        # The page speaking of itself, or to its subscribers, without "you".
        "This newsletter is powered by a paid mailing platform.",
        "Andes Plus subscribers can read the full text of the agreement in the Documents area.",
        "Privacy Notice: Newsletters may contain info about charities and online ads.",
    ],
)
def test_an_aside_after_the_story_goes(aside: str) -> None:
    assert tail_start([*STORY, aside]) == (len(STORY), tail_start([*STORY, aside])[1])  # type: ignore[index]


@pytest.mark.parametrize(
    "ending",
    [
        "The message from La Paz was clear: the money must reach the lake within a year.",
        "Port of Spain: a similar fund for the Gulf of Paria is under discussion, diplomats said.",
        "Rusu: We will see what happens when the money arrives.",
        "Southern basin: Puno, Juli and Yunguyo, where the worst discharges are.",
        "Prime Minister Eduardo Arana joined the ministers for the signing in Lima on Tuesday.",
        "“Watch the water levels,” the minister told farmers in Puno. “They tell you everything.”",
        "Asked whether Bolivia would pay its share, the minister said: 'Every cent of it.'",
        "The water utility did not respond to our requests for comment before this episode "
        "went out on our podcast feed.",
        "Will it last? The last such fund ran dry within two years, and nobody was blamed.",
        "Why now? Both governments face elections next year and want a deal to show for it.",
        "Two priorities: more treatment plants in Puno, and an honest count of the mines.",
    ],
)
def test_a_sentence_with_a_colon_ends_the_story_still(ending: str) -> None:
    assert tail_start([*STORY, ending]) is None


def test_a_writers_own_question_and_its_answer_end_the_story() -> None:
    ending = [
        "Will it change anything?",
        "Probably not soon: the fund is small for a lake this size.",
    ]
    assert tail_start([*STORY, *ending]) is None


def test_reporting_under_a_subhead_is_the_storys_own_section() -> None:
    # "What happens next" or a plain subhead heads the story's last section when what
    # follows reports who said what; the related links after it are still cut. A content
    # farm's "What does this mean for ...?" restating the story's sentences is not spared.
    section = [
        "What happens next",
        "Officials on both sides said a legal text would be drafted in the next six weeks, "
        "and the first plants would be tendered before the rains.",
    ]
    tail = ["Related articles", "Peru and Bolivia sign lake accord", "Bolivia names new envoy"]
    found = tail_start([*STORY, *section, *tail])
    assert found is not None and found[0] == len(STORY) + len(section), found
    asked = ["What does this mean for the lake?", section[1]]
    found = tail_start([*STORY, *asked, *tail])
    assert found is not None and found[0] == len(STORY), found


def test_a_last_section_that_reports_new_figures_is_the_storys_own() -> None:
    # "Where the money goes" and lines of figures the story above never gave, then a wire's
    # credit: the section is the story's; a box that restates the story is appended.
    story = [
        "Donors meeting in Geneva pledged more than the United Nations had asked for to "
        "rebuild schools and clinics destroyed in the floods, officials said on Thursday.",
        "The appeal had been launched a month earlier, after water covered a third of the "
        "country's farmland and forced hundreds of thousands of people from their homes.",
    ]
    section = [
        "Where the money goes",
        "About 412 school buildings in Sylhet and Sunamganj will be rebuilt by June.",
        "Another 96 rural health posts are to reopen by March, run by district councils.",
    ]
    credit = "(Reporting by Nia Adebayo in Geneva; Editing by Shounak Das)"
    found = tail_start([*story, *section, credit])
    assert found is not None and found[0] == len(story) + len(section)
    recap = ["Key points", "Donors pledged more than was asked.", "The floods hit farmland."]
    found = tail_start([*story, *recap, credit])
    assert found is not None and found[0] == len(story)


@pytest.mark.parametrize(
    "head", ["What happens next", "Why it matters", "Background", "Conclusion"]
)
def test_a_last_section_told_as_the_story_is_told_is_the_storys_own(head: str) -> None:
    # Lines that name little new but read as reporting (what each side will do, and when)
    # under a subhead a content farm also uses.
    story = [
        "Britain signed a treaty on Tuesday handing the Maren Islands to Seychelles, ending a "
        "sovereignty dispute that had outlasted three governments in London.",
        "The United Kingdom will pay an annual fee for the lease and contribute to a trust "
        "fund for the islanders' descendants, officials in both capitals said.",
        "Some of those descendants, about 900 of whom live in Crawley, have criticised the "
        "treaty for failing to guarantee them a right to resettle on the outer atolls.",
    ]
    section = [
        head,
        "The treaty must be laid before parliament for 21 sitting days before it can be ratified.",
        "A first visit by former islanders is planned for next spring.",
    ]
    assert tail_start([*story, *section]) is None
    # A comment's time stamp heads a reader's comment, however calm: still a tail.
    comment = [
        "February 21, 2025 at 2:11 AM",
        "Tomás Rivera said...",
        "Fair point, the treaty will need 21 sitting days before anyone can visit in spring.",
        "Reply",
    ]
    found = tail_start([*story, *section, *comment])
    assert found is not None and found[0] == len(story) + len(section), found


def test_a_calm_section_of_labelled_lines_is_not_cut_inside() -> None:
    # "Where they stand", then each side's position on a labelled line, then a content
    # farm's question: the positions are the story's, the question and tags are not.
    story = [
        "Two candidates for the 7th District clashed on Tuesday night over tariffs, Taiwan "
        "and aid to Ukraine in a debate that said more about trade than about local roads.",
        "Republican Mark Brenner, a former county commissioner, called for higher tariffs on "
        "imports from Asia and said the district's steel jobs depended on them.",
        "Democrat Alisha Moore, a nurse and first-time candidate, said tariffs were a tax on "
        "families and that the district's farmers would pay for any trade war.",
    ]
    section = [
        "Where they stand",
        "On tariffs: Brenner supports raising them; Moore would keep current levels.",
        "On Taiwan: Both support continued arms sales. Moore would also back a trade deal.",
        "On Ukraine aid: Brenner opposes new packages. Moore supports them.",
    ]
    tail = ["What does this mean for voters?", "Tags: 2024 election, Congress, debate, trade"]
    found = tail_start([*story, *section, *tail])
    assert found is not None and found[0] == len(story) + len(section), found


def test_a_timeline_of_days_and_times_is_the_storys_own_list() -> None:
    # Rows a day or a time labels: a list, however few figures it has.
    story = [
        "KATHMANDU — Foreign rescue teams arrived in western Nepal on Sunday, two days after "
        "an earthquake of magnitude 6.8 killed at least 150 people in the hill districts.",
        "India sent two air force planes carrying tents and medicines, and China a team of "
        "60 rescuers with sniffer dogs, officials at the home ministry said.",
    ]
    timeline = [
        "Timeline",
        "Friday, 11:47 p.m.: Earthquake strikes.",
        "Saturday morning: Army helicopters fly the injured to Nepalgunj.",
        "Saturday evening: Government appeals for international rescue support.",
        "Sunday: Foreign teams arrive in Kathmandu and are flown west.",
    ]
    tail = ["What does this mean for Nepal?", "Also read: Nepal earthquake: how to donate"]
    found = tail_start([*story, *timeline, *tail])
    assert found is not None and found[0] == len(story) + len(timeline), found


@pytest.mark.parametrize(
    "rows",
    [
        # A list numbered in order, whatever its items' length.
        ["Key changes",
         "1. The minimum property value falls from BD200,000 to BD130,000.",
         "2. Retirees may now apply from abroad with a monthly pension of at least BD2,000, "
         "the interior ministry said.",
         "3. Holders can sponsor parents as well as spouses and children."],
        # Labelled lines of figures: a table's rows, not speakers' turns.
        ["Counties most affected",
         "Tana River: 24,600 people displaced, 6 deaths, Garsen and Tarasaa areas cut off.",
         "Garissa: 11,200 displaced, 3 deaths, flooding in Bulla Iftin and Balambala.",
         "Lamu: 4,300 displaced, 2 deaths, farms in Witu under water."],
        # Rows whose label is the figure.
        ["By the numbers", "434c/kg: Top price for yearling steers, up 38c on last week.",
         "$1,720: Best pen of weaner steers, sold to a Kyogle restocker.",
         "52mm: Rainfall recorded at Casino airport between Monday and Wednesday."],
    ],
)  # fmt: skip
def test_a_numbered_list_or_a_table_of_figures_is_the_storys_own(rows: list[str]) -> None:
    found = tail_start([*STORY, *rows])
    assert found is None, found
    found = tail_start([*STORY, *rows, "Subscribe to our YouTube channel for the latest videos"])
    assert found is not None and found[0] == len(STORY) + len(rows), found


@pytest.mark.parametrize(
    ("last", "appended"),
    [
        # The page in its own voice, after the story: its plans, its funding, its schedule.
        ("We are a small team and we read every message, so write in if you know the lake.",
         True),
        ("We are an independent institute. We do not take money from governments for this "
         "work, which means we depend on readers like you.", True),
        # The reporters' own account, and a speaker's "we", are the story's.
        ("We recently traveled to Puno to see the plants for ourselves. We called it an "
         "overdue start.", False),
        ('"We will not stop until the lake is clean," said Rosa Quispe, who leads the '
         "fishermen's union in Puno.", False),
    ],
)  # fmt: skip
def test_a_block_in_the_pages_own_voice_is_appended(last: str, appended: bool) -> None:
    found = tail_start([*STORY, last])
    assert (found is not None and found[0] == len(STORY)) is appended, found


RUNOFF = [
    "SANTIAGO — Camila Valdés won Chile's presidential runoff on Sunday, the electoral "
    "service said, defeating the conservative candidate by a wide margin.",
    "She will take office in March, and promised to send a pensions bill to Congress "
    "within her first hundred days.",
]
LOAN = [
    "NAIROBI, June 2, 2025 -- The East African Development Finance Corporation today "
    "announced a US$62 million loan for a 90-megawatt solar plant in Garissa County.",
    "The plant will supply the national grid under a 20-year power purchase agreement "
    "and is expected to begin commercial operation in the second half of 2026.",
]


@pytest.mark.parametrize(
    ("story", "rows", "after"),
    [
        # Rows of results the story above never gave, then related links.
        (RUNOFF,
         ["The numbers", "Valdés: 55.3%", "Fuenzalida: 44.7%",
          "Blank and spoiled ballots: 3.1% of votes cast", "Regions won by Valdés: 14 of 16"],
         ["Read more", "5 Things to Know About Chile's Pension System", "Markets rally"]),
        # The list's first row does not start the press contact after it either.
        (LOAN,
         ["Key figures", "Installed capacity: 90 MW solar PV, 40 MWh battery storage",
          "Expected annual generation: 190 GWh",
          "Estimated CO2 emissions avoided: 110,000 tonnes per year"],
         ["Media Contact", "Amina Yusuf, Communications Officer", "media@example.org"]),
    ],
)  # fmt: skip
def test_a_list_of_new_figures_under_a_subhead_is_the_storys_own(
    story: list[str], rows: list[str], after: list[str]
) -> None:
    # The story's own list stays whole; what is appended after it still goes.
    found = tail_start([*story, *rows, *after])
    assert found is not None and found[0] == len(story) + len(rows), found


def test_title_case_headlines_and_a_lone_date_are_no_list_of_figures() -> None:
    # Rows in title case with no label are headlines of other stories; one row alone is a
    # footer's date.
    listicles = [
        "15 Amazing Images of Chilean Volcanoes",
        "11 Fascinating Facts About the Atacama Desert",
        "The 10 Biggest Upsets in Latin American Elections",
    ]
    found = tail_start([*RUNOFF, *listicles, "Originally published on Andes Daily."])
    assert found is not None and found[0] == len(RUNOFF), found
    date = tail_start([*RUNOFF, "Santiago", "14 December 2025"])
    assert date is not None and date[0] == len(RUNOFF), date


INTERVIEW = [
    "For nine years Maren Holt ran the honorary consulate of Norway from a room above her "
    "family bakery on the harbour front, stamping passports, visiting sailors in hospital "
    "and, twice, arranging the return of a body. She hands over the keys this week, to a "
    "successor the embassy chose in the spring. We asked her about the job.",
    "Q: How does someone become an honorary consul?",
    "Holt: The embassy called my father, and then me.",
    "Q: What did it mean?",
    "Holt: Mostly stamps and forms.",
    "Q: Who replaces you?",
    "Holt: A teacher. She is forty-one.",
]


def test_an_interview_from_its_first_blocks_is_the_story() -> None:
    # Turns from the second block on, short answers after a long introduction: the
    # interview is the story, down to its last answer; only the reporter's contact line
    # after it goes.
    contact = "Lena Berg covers the harbour. Reach her at lberg@example.com."
    found = tail_start([*INTERVIEW, contact])
    assert found is not None and found[0] == len(INTERVIEW)


def test_an_faq_after_a_story_told_as_questions_goes() -> None:
    # A story told as questions and answers keeps its questions; an FAQ under its own
    # heading after it is appended all the same.
    story = [
        "Talks on the trade deal resumed this week. Here is what is at stake.",
        "What does the deal do?",
        "It removes tariffs on most goods traded between the two blocs over ten years, and "
        "opens public procurement to companies from both sides for the first time.",
        "Why are farmers opposed?",
        "They say beef and poultry from the other side are produced under looser rules on "
        "pesticides and animal welfare, and would undercut them in their own markets.",
        "When will we know?",
        "Possibly by the summer, when ministers meet in Lisbon.",
    ]
    faq = [
        "Frequently asked questions",
        "Q: What is the trade deal?",
        "A: It is a proposed free trade agreement between the two blocs.",
        "Q: Why is it controversial?",
        "A: Some groups believe it could harm certain industries.",
    ]
    found = tail_start([*story, *faq])
    assert found is not None and found[0] == len(story)


def test_what_they_said_is_a_subhead_not_a_commenter() -> None:
    assert block_kind("What they said") != "comment"
    assert block_kind("Maria K. said:") == "comment"


def test_a_pointer_that_trails_off_is_a_pointer() -> None:
    # A real page (../shared corpus) ends "You may also like...": the ellipsis leads on to
    # the links, it ends no sentence.
    assert block_kind("You may also like...") == "pointer"
    assert block_kind("You may also like…") == "pointer"


def test_a_run_of_topic_tags_after_the_story_goes() -> None:
    found = tail_start([*STORY, "Environment", "Peru", "Bolivia", "Lake Titicaca"])
    assert found is not None and found[0] == len(STORY), found
    # Two short lines may be the story's (a credit, a sign-off is judged apart); a list
    # with figures is a list.
    assert tail_start([*STORY, "Puno: 12 plants", "El Alto: 9 plants", "Oruro: 4 plants"]) is None


def test_questions_answered_with_new_facts_after_an_introduction_are_the_story() -> None:
    explainer = [
        "Here's what you need to know.",
        "Who pays for the plants?",
        "Peru puts in 60% and Bolivia 40%, through the Binational Autonomous Authority.",
        "When do the works start?",
        "In March 2027, with the Copacabana plant first; Chile has offered engineers.",
        "What happens to the fishermen?",
        "About 400 of them will be retrained as plant operators by Juliaca's cooperative.",
    ]
    assert tail_start([*STORY, *explainer]) is None
    # An appended FAQ restates what the story said: it goes.
    faq = [
        "What did Peru and Bolivia agree?",
        "Peru and Bolivia agreed to set up a joint fund to clean up Lake Titicaca.",
        "Why does the fund matter?",
        "The fund matters because it will help clean up the lake for both countries.",
        "What comes next?",
        "The fund will start with sewage plants, officials said.",
    ]
    found = tail_start([*STORY, *faq])
    assert found is not None and found[0] == len(STORY), found

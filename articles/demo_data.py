"""
The demo newsroom's content (DESIGN §7): the entities the sample report
names, the sources behind it, and its claims with what a careful
fact-checker would say of each. ``articles.demo`` builds the newsroom from it.
"""

from datetime import date

from entities.models import Entity, Source

from .models import Citation, Claim, Rating

# Wikidata ids only where they are certain; an empty id is better than a wrong one.
ENTITIES = (
    {
        "name": "OpenAI",
        "kind": Entity.Kind.ORGANIZATION,
        "description": "Artificial intelligence research and deployment company in "
        "San Francisco; maker of ChatGPT.",
        "wikidata_id": "Q21708200",
        "url": "https://openai.com/",
    },
    {
        "name": "Microsoft",
        "kind": Entity.Kind.ORGANIZATION,
        "aliases": "Microsoft Corporation\nMicrosoft Corp.",
        "description": "American technology company that makes Windows, Office, "
        "Azure and Bing.",
        "wikidata_id": "Q2283",
        "url": "https://www.microsoft.com/",
    },
    {
        "name": "Satya Nadella",
        "kind": Entity.Kind.PERSON,
        "aliases": "Nadella",
        "description": "Chief executive of Microsoft since 2014 and its chairman "
        "since 2021.",
        "wikidata_id": "Q7426870",
    },
    {
        "name": "The Information",
        "kind": Entity.Kind.PUBLICATION,
        "description": "Subscription technology news publication, founded by "
        "Jessica Lessin in 2013.",
        "url": "https://www.theinformation.com/",
    },
    {
        "name": "Azure",
        "kind": Entity.Kind.PRODUCT,
        "aliases": "Microsoft Azure",
        "description": "Microsoft's cloud computing platform.",
        "wikidata_id": "Q725967",
        "url": "https://azure.microsoft.com/",
    },
    {
        "name": "Azure OpenAI Service",
        "kind": Entity.Kind.PRODUCT,
        "aliases": "Azure OpenAI",
        "description": "Azure service that gives businesses and developers access "
        "to OpenAI's models.",
    },
    {
        "name": "ChatGPT",
        "kind": Entity.Kind.PRODUCT,
        "description": "OpenAI's conversational AI chatbot, released as a free "
        "research preview on November 30, 2022.",
        "wikidata_id": "Q115564437",
        "url": "https://chatgpt.com/",
    },
    {
        "name": "Bing",
        "kind": Entity.Kind.PRODUCT,
        "aliases": "Microsoft Bing",
        "description": "Microsoft's web search engine.",
        "wikidata_id": "Q182496",
        "url": "https://www.bing.com/",
    },
    {
        "name": "GitHub Copilot",
        "kind": Entity.Kind.PRODUCT,
        "description": "AI programming assistant from GitHub, a Microsoft "
        "subsidiary, first built on OpenAI's Codex model.",
        "url": "https://github.com/features/copilot",
    },
    {
        "name": "Microsoft Designer",
        "kind": Entity.Kind.PRODUCT,
        "description": "Microsoft's graphic design app, which uses OpenAI's DALL·E "
        "image models.",
        "url": "https://designer.microsoft.com/",
    },
    {
        "name": "OpenAI LP",
        "kind": Entity.Kind.ORGANIZATION,
        "description": "The capped-profit company OpenAI set up in March 2019, "
        "controlled by the OpenAI nonprofit.",
    },
    {
        "name": "OpenAI Nonprofit",
        "kind": Entity.Kind.ORGANIZATION,
        "aliases": "OpenAI non-profit\nOpenAI, Inc.",
        "description": "OpenAI's original nonprofit (OpenAI, Inc.), which controls "
        "OpenAI LP.",
    },
)

# Sources, by a key the claims below refer to. Looked up again by URL.
SOURCES = {
    "information-bing": {
        "title": "Microsoft and OpenAI Working on ChatGPT-Powered Bing in "
        "Challenge to Google",
        "kind": Source.Kind.NEWS_REPORT,
        "publisher": "the-information",
        "url": "https://www.theinformation.com/articles/microsoft-and-openai-working"
        "-on-chatgpt-powered-bing-in-challenge-to-google",
        "published_on": date(2023, 1, 3),
        "notes": "Subscriber-only. Our citations rest on its headline and on how "
        "other outlets summarised it on the day.",
    },
    "microsoft-extend": {
        "title": "Microsoft and OpenAI extend partnership",
        "kind": Source.Kind.BLOG_POST,
        "publisher": "microsoft",
        "url": "https://blogs.microsoft.com/blog/2023/01/23/"
        "microsoftandopenaiextendpartnership/",
        "published_on": date(2023, 1, 23),
        "notes": "Microsoft's announcement of the third phase of the partnership, "
        "on the Official Microsoft Blog.",
    },
    "openai-extend": {
        "title": "OpenAI and Microsoft extend partnership",
        "kind": Source.Kind.BLOG_POST,
        "publisher": "openai",
        "url": "https://openai.com/blog/openai-and-microsoft-extend-partnership",
        "published_on": date(2023, 1, 23),
        "notes": "OpenAI's announcement of the extended partnership, published the "
        "same day as Microsoft's.",
    },
    "openai-lp": {
        "title": "OpenAI LP",
        "kind": Source.Kind.BLOG_POST,
        "publisher": "openai",
        "url": "https://openai.com/blog/openai-lp",
        "published_on": date(2019, 3, 11),
        "notes": "Announces OpenAI LP, the capped-profit company controlled by the "
        "original OpenAI nonprofit.",
    },
    "openai-chatgpt": {
        "title": "Introducing ChatGPT",
        "kind": Source.Kind.BLOG_POST,
        "publisher": "openai",
        "url": "https://openai.com/blog/chatgpt",
        "published_on": date(2022, 11, 30),
        "notes": "ChatGPT's launch, as a free research preview.",
    },
    "microsoft-2019": {
        "title": "OpenAI forms exclusive computing partnership with Microsoft to "
        "build new Azure AI supercomputing technologies",
        "kind": Source.Kind.PRESS_RELEASE,
        "publisher": "microsoft",
        "url": "https://news.microsoft.com/2019/07/22/openai-forms-exclusive-"
        "computing-partnership-with-microsoft-to-build-new-azure-ai-"
        "supercomputing-technologies/",
        "published_on": date(2019, 7, 22),
        "notes": "Microsoft's announcement of its first investment in OpenAI, of "
        "$1 billion.",
    },
    "microsoft-bing-2023": {
        "title": "Reinventing search with a new AI-powered Microsoft Bing and Edge, "
        "your copilot for the web",
        "kind": Source.Kind.BLOG_POST,
        "publisher": "microsoft",
        "authors": "Yusuf Mehdi",
        "url": "https://blogs.microsoft.com/blog/2023/02/07/reinventing-search-with-"
        "a-new-ai-powered-microsoft-bing-and-edge-your-copilot-for-the-web/",
        "published_on": date(2023, 2, 7),
        "notes": "Microsoft's launch of the new Bing, built on a next-generation "
        "OpenAI model, in a limited preview.",
    },
}

PARAPHRASE = "Paraphrase of the source."


def _cite(source, relation, excerpt, *, locator="", note=""):
    return {
        "source": source,
        "relation": relation,
        "excerpt": excerpt,
        "locator": locator,
        "note": note,
    }


# Excerpts in quotation marks are the source's words; the others paraphrase it
# (and say so in their note).
CLAIMS = (
    {
        "quote": "OpenAI and Microsoft have announced that they are expanding their "
        "current partnership.",
        "claimant": None,
        "kind": Claim.Kind.FACT,
        "statement": "OpenAI and Microsoft announced that they are extending their "
        "partnership.",
        "rating": Rating.ACCURATE,
        "explanation": "Both companies announced it on January 23, 2023. Microsoft "
        "called it “the third phase of our long-term partnership with OpenAI”; "
        "OpenAI's post said the two were extending their partnership.",
        "citations": [
            _cite(
                "microsoft-extend",
                Citation.Relation.SUPPORTS,
                "“Today, we are announcing the third phase of our long-term "
                "partnership with OpenAI through a multiyear, multibillion dollar "
                "investment to accelerate AI breakthroughs to ensure these "
                "benefits are broadly shared with the world.”",
                locator="first paragraph",
            ),
            _cite(
                "openai-extend",
                Citation.Relation.SUPPORTS,
                "OpenAI announced that it and Microsoft are extending their "
                "partnership.",
                note=PARAPHRASE,
            ),
        ],
    },
    {
        "quote": "OpenAI’s public release of ChatGPT at the tailend of last year",
        "claimant": None,
        "kind": Claim.Kind.FACT,
        "statement": "OpenAI released ChatGPT to the public at the end of 2022.",
        "rating": Rating.ACCURATE,
        "explanation": "OpenAI launched ChatGPT on November 30, 2022, free to use as "
        "a research preview. For an article written in January 2023, “the tail "
        "end of last year” is right.",
        "citations": [
            _cite(
                "openai-chatgpt",
                Citation.Relation.SUPPORTS,
                "“We’ve trained a model called ChatGPT which interacts in a "
                "conversational way.”",
                locator="first paragraph",
            ),
        ],
    },
    {
        "quote": "which has been making waves throughout the industry as people "
        "experiment with its capabilities",
        "claimant": None,
        "kind": Claim.Kind.FACT,
        "statement": "ChatGPT has been making waves in the technology industry.",
        "rating": Rating.OPINION,
        "explanation": "A description of how ChatGPT was received, not a statement "
        "of fact that evidence could prove or disprove, so we do not rate it true "
        "or false.",
        "citations": [],
    },
    {
        "quote": "Microsoft had previously made large investments in OpenAI in "
        "2019 and 2021",
        "claimant": None,
        "kind": Claim.Kind.FACT,
        "statement": "Microsoft made large investments in OpenAI in 2019 and 2021.",
        "rating": Rating.MOSTLY_ACCURATE,
        "explanation": "Both companies' January 2023 announcements say the new "
        "investment follows Microsoft's earlier investments in 2019 and 2021, and "
        "Microsoft announced $1 billion in July 2019. The size of the 2021 "
        "investment was never disclosed, so “large” is documented for 2019 only.",
        "citations": [
            _cite(
                "microsoft-extend",
                Citation.Relation.SUPPORTS,
                "“This agreement follows our previous investments in 2019 and 2021.”",
                locator="first paragraph",
            ),
            _cite(
                "microsoft-2019",
                Citation.Relation.SUPPORTS,
                "Microsoft announced that it would invest $1 billion in OpenAI, "
                "that OpenAI would run its services on Azure, and that the two "
                "would jointly build new Azure AI supercomputing technologies.",
                note=PARAPHRASE,
            ),
        ],
    },
    {
        "quote": "is OpenAI’s exclusive cloud provider, meaning that all of "
        "OpenAI’s workloads are powered by Azure",
        "claimant": None,
        "kind": Claim.Kind.FACT,
        "statement": "Microsoft is OpenAI's exclusive cloud provider: all of "
        "OpenAI's workloads run on Azure.",
        "rating": Rating.ACCURATE,
        "explanation": "Microsoft's announcement says that, as OpenAI's exclusive "
        "cloud provider, Azure will power all OpenAI workloads across research, "
        "products and API services, and OpenAI's post says the same. The "
        "exclusive computing partnership dates from the 2019 deal. This is the "
        "arrangement as announced in January 2023.",
        "citations": [
            _cite(
                "microsoft-extend",
                Citation.Relation.SUPPORTS,
                "As OpenAI's exclusive cloud provider, Azure will power all OpenAI "
                "workloads across research, products and API services.",
                locator="“Exclusive cloud provider”",
                note=PARAPHRASE,
            ),
            _cite(
                "openai-extend",
                Citation.Relation.SUPPORTS,
                "Azure will remain the exclusive cloud provider for all of "
                "OpenAI's workloads, across its research, API and products.",
                note=PARAPHRASE,
            ),
            _cite(
                "microsoft-2019",
                Citation.Relation.CONTEXT,
                "The 2019 deal was announced as an exclusive computing "
                "partnership, with OpenAI moving its services to Azure.",
                note=PARAPHRASE,
            ),
        ],
    },
    {
        "quote": "Over the past few years, OpenAI has been able to achieve things "
        "like building supercomputers powered by Azure, deploying OpenAI "
        "technology through the Azure OpenAI service, and incorporating OpenAI’s "
        "technology into GitHub Copilot and Microsoft Designer.",
        "claimant": None,
        "kind": Claim.Kind.FACT,
        "statement": "With Microsoft, OpenAI has built supercomputers on Azure, "
        "offered its technology through the Azure OpenAI Service, and had it built "
        "into GitHub Copilot and Microsoft Designer.",
        "rating": Rating.ACCURATE,
        "explanation": "OpenAI's announcement lists each of these: supercomputing "
        "systems powered by Azure, on which it trains its models; its technology "
        "offered through the Azure OpenAI Service; and its technology built into "
        "GitHub Copilot and Microsoft Designer. All were joint work with "
        "Microsoft, which built the supercomputers and the products.",
        "citations": [
            _cite(
                "openai-extend",
                Citation.Relation.SUPPORTS,
                "The two companies built several supercomputing systems powered "
                "by Azure, which OpenAI uses to train its models; deployed OpenAI's "
                "technology through its API and the Azure OpenAI Service; and "
                "built it into apps such as GitHub Copilot and Microsoft Designer.",
                note=PARAPHRASE,
            ),
        ],
    },
    {
        "quote": "Microsoft stated that it will continue investments in developing "
        "supercomputing systems to further OpenAI’s research.",
        "claimant": "microsoft",
        "kind": Claim.Kind.ATTRIBUTION,
        "statement": "Microsoft said it will keep investing in supercomputing "
        "systems for OpenAI's research.",
        "rating": Rating.ACCURATE,
        "explanation": "Microsoft's announcement says it will increase its "
        "investment in specialised supercomputing systems to accelerate OpenAI's "
        "independent research; the article reports that fairly.",
        "citations": [
            _cite(
                "microsoft-extend",
                Citation.Relation.ORIGIN,
                "Microsoft will increase its investments in developing and "
                "deploying specialised supercomputing systems to accelerate "
                "OpenAI's independent AI research.",
                locator="“Supercomputing at scale”",
                note=PARAPHRASE,
            ),
        ],
    },
    {
        "quote": "The company will also incorporate OpenAI technology into its "
        "products, such as Azure OpenAI Service, which provides developers access "
        "to OpenAI models to build AI applications.",
        "claimant": "microsoft",
        "kind": Claim.Kind.ATTRIBUTION,
        "statement": "Microsoft said it will build OpenAI's models into its "
        "products, including the Azure OpenAI Service, which gives developers "
        "access to OpenAI models.",
        "rating": Rating.ACCURATE,
        "explanation": "Microsoft's announcement says it will deploy OpenAI's models "
        "across its consumer and enterprise products, and names the Azure OpenAI "
        "Service, which gives developers direct access to OpenAI models to build "
        "AI applications.",
        "citations": [
            _cite(
                "microsoft-extend",
                Citation.Relation.ORIGIN,
                "Microsoft will deploy OpenAI's models across its consumer and "
                "enterprise products, including the Azure OpenAI Service, through "
                "which developers get direct access to OpenAI models.",
                locator="“New AI-powered experiences”",
                note=PARAPHRASE,
            ),
        ],
    },
    {
        "quote": "Earlier this month, The Information reported that Microsoft was "
        "interested in integrating ChatGPT into its search engine Bing.",
        "claimant": "the-information",
        "kind": Claim.Kind.ATTRIBUTION,
        "statement": "The Information reported in early January 2023 that Microsoft "
        "was working on putting ChatGPT into Bing.",
        "rating": Rating.ACCURATE,
        "explanation": "The Information reported on January 3, 2023, under the "
        "headline “Microsoft and OpenAI Working on ChatGPT-Powered Bing in "
        "Challenge to Google”, that Microsoft was preparing a version of Bing that "
        "uses the technology behind ChatGPT. For an article written in late "
        "January, “earlier this month” is right. Microsoft unveiled such a Bing "
        "on February 7, 2023.",
        "citations": [
            _cite(
                "information-bing",
                Citation.Relation.ORIGIN,
                "“Microsoft and OpenAI Working on ChatGPT-Powered Bing in Challenge "
                "to Google”",
                locator="headline",
            ),
            _cite(
                "microsoft-bing-2023",
                Citation.Relation.CONTEXT,
                "Microsoft launched a new Bing and Edge built on a next-generation "
                "OpenAI large language model, in a limited preview on desktop.",
                note=PARAPHRASE,
            ),
        ],
    },
    {
        "quote": "They reported that this could take place as soon as March.",
        "claimant": "the-information",
        "kind": Claim.Kind.PREDICTION,
        "statement": "The Information reported that a ChatGPT-powered Bing could "
        "launch as soon as March 2023.",
        "rating": Rating.MOSTLY_ACCURATE,
        "explanation": "The report, as other outlets summarised it at the time, "
        "said Microsoft could launch the feature before the end of March 2023: a "
        "deadline rather than an earliest date, so “as soon as March” slightly "
        "misstates the timing. The launch in fact came sooner: Microsoft unveiled "
        "the new Bing on February 7, 2023, in a limited preview.",
        "citations": [
            _cite(
                "information-bing",
                Citation.Relation.ORIGIN,
                "Microsoft could launch the ChatGPT-powered Bing feature before the "
                "end of March.",
                note="Paraphrase, from contemporary summaries of the "
                "subscriber-only report.",
            ),
            _cite(
                "microsoft-bing-2023",
                Citation.Relation.CONTEXT,
                "The new AI-powered Bing was available from February 7, 2023 in a "
                "limited preview on desktop, with a waitlist for wider access.",
                note=PARAPHRASE,
            ),
        ],
    },
    {
        "quote": "“We formed our partnership with OpenAI around a shared ambition to "
        "responsibly advance cutting-edge AI research and democratize AI as a new "
        "technology platform,” said Satya Nadella, chairman and CEO of Microsoft. "
        "“In this next phase of our partnership, developers and organizations "
        "across industries will have access to the best AI infrastructure, models, "
        "and toolchain with Azure to build and run their applications.”",
        "claimant": "satya-nadella",
        "kind": Claim.Kind.QUOTE,
        "statement": "Satya Nadella said Microsoft formed its partnership with "
        "OpenAI to responsibly advance AI research and democratize AI, and that "
        "its next phase gives developers the best AI infrastructure, models and "
        "toolchain with Azure.",
        "rating": Rating.ACCURATE,
        "explanation": "The quotation matches, word for word, the statement from "
        "Satya Nadella, Microsoft's chairman and chief executive, in Microsoft's "
        "announcement of January 23, 2023. The rating covers the quotation; “the "
        "best AI infrastructure” is his own assessment, not a checked fact.",
        "citations": [
            _cite(
                "microsoft-extend",
                Citation.Relation.ORIGIN,
                "“We formed our partnership with OpenAI around a shared ambition to "
                "responsibly advance cutting-edge AI research and democratize AI as "
                "a new technology platform,” said Satya Nadella, Chairman and CEO, "
                "Microsoft.",
            ),
        ],
    },
    {
        "quote": "According to OpenAI, both companies regularly meet to review and "
        "share lessons that inform updates to the systems, future research areas, "
        "and best practices for the industry.",
        "claimant": "openai",
        "kind": Claim.Kind.ATTRIBUTION,
        "statement": "OpenAI said its teams and Microsoft's regularly review shared "
        "lessons that inform updates to their systems, future research and "
        "industry best practices.",
        "rating": Rating.ACCURATE,
        "explanation": "OpenAI's announcement says the companies' teams regularly "
        "collaborate to review and synthesise shared lessons, and use them to "
        "inform updates to their systems, future research and best practices for "
        "such AI systems across the industry. The article's paraphrase is faithful.",
        "citations": [
            _cite(
                "openai-extend",
                Citation.Relation.ORIGIN,
                "The two companies' teams regularly collaborate to review and "
                "synthesise shared lessons, which inform iterative updates to their "
                "systems, future research and best practices across the industry.",
                note=PARAPHRASE,
            ),
        ],
    },
    {
        "quote": "The companies didn’t reveal specific dollar amounts",
        "claimant": None,
        "kind": Claim.Kind.FACT,
        "statement": "Microsoft and OpenAI did not say how much Microsoft is "
        "investing.",
        "rating": Rating.ACCURATE,
        "explanation": "Neither announcement gives a figure for the new "
        "investment; both describe it only as multi-year and multi-billion dollar.",
        "citations": [
            _cite(
                "microsoft-extend",
                Citation.Relation.SUPPORTS,
                "The announcement describes a “multiyear, multibillion dollar "
                "investment” and gives no amount.",
            ),
            _cite(
                "openai-extend",
                Citation.Relation.SUPPORTS,
                "The announcement calls it a multi-year, multi-billion dollar "
                "investment and gives no amount.",
                note=PARAPHRASE,
            ),
        ],
    },
    {
        "quote": "Microsoft was making a “multi-year, multi-billion dollar "
        "investment.”",
        "claimant": "microsoft",
        "kind": Claim.Kind.QUOTE,
        "statement": "Microsoft is making a multi-year, multi-billion dollar "
        "investment in OpenAI.",
        "rating": Rating.ACCURATE,
        "explanation": "Microsoft announced “a multiyear, multibillion dollar "
        "investment” in OpenAI; the hyphenated wording the article quotes is "
        "OpenAI's, from its own announcement the same day.",
        "citations": [
            _cite(
                "microsoft-extend",
                Citation.Relation.ORIGIN,
                "“…the third phase of our long-term partnership with OpenAI through "
                "a multiyear, multibillion dollar investment…”",
                locator="first paragraph",
            ),
            _cite(
                "openai-extend",
                Citation.Relation.SUPPORTS,
                "OpenAI describes the deal as a multi-year, multi-billion dollar "
                "investment from Microsoft that follows its investments in 2019 "
                "and 2021.",
                note=PARAPHRASE,
            ),
        ],
    },
    {
        "quote": "OpenAI exists as a capped-profit company, which is a sort of "
        "hybrid of for-profit and non-profit companies.",
        "claimant": None,
        "kind": Claim.Kind.FACT,
        "statement": "OpenAI is a capped-profit company, a hybrid of a for-profit "
        "and a nonprofit.",
        "rating": Rating.MOSTLY_ACCURATE,
        "explanation": "OpenAI describes itself this way: its 2019 post calls OpenAI "
        "LP a hybrid of a for-profit and a nonprofit, which it named a "
        "“capped-profit” company, and its January 2023 post says OpenAI remains a "
        "capped-profit company governed by the OpenAI nonprofit. More precisely, "
        "the capped-profit company, OpenAI LP, is controlled by the original "
        "nonprofit, as the next paragraph of the article quotes OpenAI saying.",
        "citations": [
            _cite(
                "openai-lp",
                Citation.Relation.SUPPORTS,
                "OpenAI created OpenAI LP as a hybrid of a for-profit and a "
                "nonprofit, which it calls a “capped-profit” company.",
                note=PARAPHRASE,
            ),
            _cite(
                "openai-extend",
                Citation.Relation.SUPPORTS,
                "OpenAI remains a capped-profit company and is governed by the "
                "OpenAI nonprofit.",
                note=PARAPHRASE,
            ),
        ],
    },
    {
        "quote": "“The fundamental idea of OpenAI LP is that investors and employees "
        "can get a capped return if we succeed at our mission, which allows us to "
        "raise investment capital and attract employees with startup-like equity. "
        "But any returns beyond that amount—and if we are successful, we expect to "
        "generate orders of magnitude more value than we’d owe to people who "
        "invest in or work at OpenAI LP—are owned by the original OpenAI Nonprofit "
        "entity,” the company explained in a blog post published at the time they "
        "set up this new structure.",
        "claimant": "openai",
        "kind": Claim.Kind.QUOTE,
        "statement": "OpenAI said that investors and employees of OpenAI LP can get "
        "a capped return, and that any returns beyond the cap belong to the "
        "original OpenAI nonprofit.",
        "rating": Rating.ACCURATE,
        "explanation": "The quotation is accurate. It comes from OpenAI's post "
        "“OpenAI LP” of March 11, 2019, which announced the capped-profit "
        "structure, so it was indeed published when the structure was set up. "
        "The same post says returns for the first round of investors are capped "
        "at 100 times their investment.",
        "citations": [
            _cite(
                "openai-lp",
                Citation.Relation.ORIGIN,
                "“The fundamental idea of OpenAI LP is that investors and employees "
                "can get a capped return if we succeed at our mission, which allows "
                "us to raise investment capital and attract employees with "
                "startup-like equity.”",
            ),
            _cite(
                "openai-lp",
                Citation.Relation.CONTEXT,
                "“Returns for our first round of investors are capped at 100x their "
                "investment”",
            ),
        ],
    },
    {
        "quote": "According to OpenAI, this setup enables them to raise capital "
        "while also sticking to core beliefs about sharing benefits and "
        "prioritizing safety.",
        "claimant": "openai",
        "kind": Claim.Kind.ATTRIBUTION,
        "statement": "OpenAI said its capped-profit structure lets it raise capital "
        "without giving up its beliefs about sharing AI's benefits and "
        "prioritizing safety.",
        "rating": Rating.ACCURATE,
        "explanation": "OpenAI's January 2023 announcement says its structure lets "
        "it raise the capital its mission needs without sacrificing its core "
        "beliefs about broadly sharing benefits and the need to prioritise "
        "safety. The article reports it faithfully.",
        "citations": [
            _cite(
                "openai-extend",
                Citation.Relation.ORIGIN,
                "The capped-profit structure lets OpenAI raise the capital it needs "
                "for its mission without sacrificing its core beliefs about broadly "
                "sharing benefits and the need to prioritise safety.",
                note=PARAPHRASE,
            ),
        ],
    },
)

# The lead image: drawn for the demo by articles/demo/draw_lead_image.py.
LEAD_IMAGE = {
    "file": "lead-image.jpg",
    "title": "Two overlapping discs over a network (demo illustration)",
    "alt": "An illustration: a blue disc and a green disc overlapping over a "
    "dark grid of connected points.",
    "caption": "Two companies, one cloud: an illustration of the partnership.",
    "credit": "Illustration: drawn for this newsroom by a program "
    "(articles/demo/draw_lead_image.py)",
    "licence": "CC0 1.0 (public domain dedication)",
}

# Where the illustration comes from: the program in this newsroom's code.
ILLUSTRATION_SOURCE = {
    "title": "How this story's illustration was drawn (the program "
    "articles/demo/draw_lead_image.py)",
    "kind": Source.Kind.DOCUMENT,
    "notes": "The program draws the picture from shapes and colours alone, with "
    "a fixed random seed, and writes it as a JPEG. It uses no photograph or "
    "outside image.",
}

# A claim about the picture itself, not about words of the article: readers
# who see a picture at the top of a story about two companies may take it
# for a photograph; the newsroom says what it is.
MEDIA_CLAIM = {
    "statement": "The picture at the top of this story is an illustration drawn "
    "for it by a program, not a photograph.",
    "kind": Claim.Kind.FACT,
    "rating": Rating.ACCURATE,
    "media_authenticity": "original",
    "explanation": "The picture was drawn by a short program in this newsroom's "
    "code from shapes and colours alone; it is shown as it was drawn, and its "
    "credit says it is an illustration.",
    "excerpt": "The program draws the picture from shapes and colours alone, "
    "with a fixed random seed.",
}

// Parse each feed URL given on the command line with rss-parser; print one JSON line per feed
// with its item titles and links. Any parse error exits non-zero with the message.
const Parser = require("rss-parser");

async function main() {
  const parser = new Parser({ timeout: 10000 });
  for (const url of process.argv.slice(2)) {
    const feed = await parser.parseURL(url);
    const items = feed.items.map((i) => ({ title: i.title, link: i.link, guid: i.guid || i.id }));
    console.log(JSON.stringify({ url, title: feed.title, items }));
  }
}

main().catch((err) => {
  console.error(String(err && err.stack ? err.stack : err));
  process.exit(1);
});

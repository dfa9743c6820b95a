// The generic scenario: open the page and let it drive itself. The page
// reports with window.hookswitchReport(name, value) and ends the run with
// window.hookswitchDone() or window.hookswitchFail(message); an uncaught
// page error fails it too. ctx.params.path, if set, is appended to the URL.
export default async function page(ctx) {
  const target = new URL(ctx.params?.path ?? '', ctx.url).href;
  await ctx.page.goto(target);
  await ctx.pageDone;
}

-- The briefing's appendix: each div of class `details` holds a section's detail (every sentence,
-- cue and term; article lists, logs, provenance). Both renderers run this filter (Quarto:
-- `filters:`; embedded: --lua-filter), and it is the only place that writes HTML tags: the
-- embedded renderer reads Markdown with raw HTML off, so article text can never become markup.
--
--   ::: {#appendix-sentiment .details summary="Sentiment in full" tables="sentiment/sentences"}
--   ...
--   :::
--
-- HTML: a collapsed <details> (no `open` attribute; no script needed) whose <summary> is the
-- `summary` attribute, escaped. Typst (the PDF): the content is left out, replaced by one line
-- that names what it holds and where to find it: the HTML briefing and the data bundle
-- (briefing-data.zip, its `tables`). Any other format keeps the div as it is.

local BUNDLE = "briefing-data.zip"

local function escape_html(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

local function words(s)
  local out = {}
  for word in s:gmatch("%S+") do
    if #out > 0 then table.insert(out, pandoc.Space()) end
    table.insert(out, pandoc.Str(word))
  end
  return out
end

local function html(el, summary)
  local id = el.identifier ~= "" and (' id="' .. escape_html(el.identifier) .. '"') or ""
  -- the content stays in a div of its own, so that sections made from headings inside it
  -- (Quarto's section-divs) close before </details>; and all of it in an outer div: pandoc makes
  -- a div that starts with a heading a section of its own, which closed the section around
  -- <details> before the content and left the content outside it.
  return pandoc.Div({
    pandoc.RawBlock("html", "<details class=\"appendix\"" .. id .. ">\n<summary>"
                    .. escape_html(summary) .. "</summary>"),
    pandoc.Div(el.content, pandoc.Attr("", {"details-body"})),
    pandoc.RawBlock("html", "</details>"),
  }, pandoc.Attr("", {"appendix-part"}))
end

local function pointer(el, summary)
  local line = {pandoc.Strong(words(summary)), pandoc.Str(":"), pandoc.Space()}
  for _, inline in ipairs(words("in the HTML briefing, and as tables in the data bundle")) do
    table.insert(line, inline)
  end
  table.insert(line, pandoc.Space())
  table.insert(line, pandoc.Link(pandoc.Code(BUNDLE), BUNDLE))
  local tables = el.attributes["tables"]
  if tables and tables ~= "" then
    table.insert(line, pandoc.Space())
    table.insert(line, pandoc.Str("("))
    local first = true
    for name in tables:gmatch("[^,]+") do
      name = name:match("^%s*(.-)%s*$")
      if name ~= "" then
        if not first then
          table.insert(line, pandoc.Str(","))
          table.insert(line, pandoc.Space())
        end
        table.insert(line, pandoc.Code(name))
        first = false
      end
    end
    table.insert(line, pandoc.Str(")"))
  end
  table.insert(line, pandoc.Str("."))
  -- the identifier stays, so a link to this part of the appendix still has its target
  return pandoc.Div({pandoc.Para(line)}, pandoc.Attr(el.identifier, {"appendix-pointer"}))
end

function Div(el)
  if not el.classes:includes("details") then
    return nil
  end
  local summary = el.attributes["summary"] or "Details"
  if FORMAT:match("html") then
    return html(el, summary)
  elseif FORMAT:match("typst") then
    return pointer(el, summary)
  end
  return nil
end

-- Article text stays verbatim in the PDF. The briefing escapes quotes, dashes and dots in article
-- text so that pandoc's `smart` extension leaves them as they are; pandoc's typst writer escapes
-- "--" but not "...", which typst would then print as an ellipsis. Here every literal "..." is
-- written as escaped dots. A span of class `nowrap` (an ISO date in a table) is kept on one line,
-- as the HTML's stylesheet keeps it. Used by both renderers (Quarto: `filters:`; embedded:
-- --lua-filter).
if not FORMAT:match("typst") then
  return {}
end

function Str(el)
  if not el.text:find("...", 1, true) then
    return nil
  end
  local out, rest = {}, el.text
  while true do
    local i = rest:find("...", 1, true)
    if not i then break end
    if i > 1 then table.insert(out, pandoc.Str(rest:sub(1, i - 1))) end
    table.insert(out, pandoc.RawInline("typst", "\\.\\.\\."))
    rest = rest:sub(i + 3)
  end
  if #rest > 0 then table.insert(out, pandoc.Str(rest)) end
  return out
end

function Span(el)
  if el.classes:includes("nowrap") then
    local out = {pandoc.RawInline("typst", "#box[")}
    for _, inline in ipairs(el.content) do table.insert(out, inline) end
    table.insert(out, pandoc.RawInline("typst", "]"))
    return out
  end
end

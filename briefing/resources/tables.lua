-- Quarto's PDF keeps a table's caption only when the table is a cross-reference target (an id
-- starting `tbl-`); a captioned table without one lost its caption in Quarto's Typst. Every
-- captioned table without an id gets one here (`tbl-briefing-N`), so Quarto's PDF numbers and
-- captions its tables as the embedded renderer's does ("Table 1: ..."). Quarto only (its front
-- matter lists this filter `at: pre-ast`, before it reads tables as floats), Typst only: the
-- HTML keeps its tables as they are.
if not (quarto and FORMAT:match("typst")) then
  return {}
end

local count = 0

function Table(el)
  if el.identifier == "" and #el.caption.long > 0 then
    count = count + 1
    el.identifier = "tbl-briefing-" .. count
    return el
  end
end

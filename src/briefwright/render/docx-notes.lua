-- briefwright's Word edition: put each note (a Div of class bw-note-text) in place of its
-- call (an empty Span of class bw-note with the same data-note), as a real footnote; start
-- a figure's source line (a Span of class block-source in its caption) on a line of its
-- own, as the PDF and the web edition do; and set a table's number cells (class num: a
-- column of numbers, its heading too) on the right, as the PDF does.
local notes = {}

local function collect(div)
  if div.classes:includes("bw-note-text") then
    notes[div.attributes["note"]] = div.content
    return {}
  end
end

local function place(span)
  if span.classes:includes("bw-note") then
    return pandoc.Note(notes[span.attributes["note"]])
  end
  if span.classes:includes("block-source") then
    return { pandoc.LineBreak(), span }
  end
end

local function align_rows(rows)
  for _, row in ipairs(rows) do
    for _, cell in ipairs(row.cells) do
      if cell.attr.classes:includes("num") then
        cell.alignment = "AlignRight"
      end
    end
  end
end

local function numbers_right(tbl)
  align_rows(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    align_rows(body.head)
    align_rows(body.body)
  end
  align_rows(tbl.foot.rows)
  return tbl
end

return { { Div = collect }, { Span = place, Table = numbers_right } }

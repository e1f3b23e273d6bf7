-- briefwright's Word edition: put each note (a Div of class bw-note-text) in place of its
-- call (an empty Span of class bw-note with the same data-note), as a real footnote.
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
end

return { { Div = collect }, { Span = place } }

-- A real headless Neovim against the real asl-lsp: run with
--   ASL_LSP=/path/to/asl-lsp nvim --headless --clean -c "luafile editors/nvim/test/test.lua"
-- Exits 0 when every check passes, 1 (with the failures on stderr) otherwise.
local root = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h')
vim.opt.rtp:prepend(root)
vim.cmd('runtime plugin/asl.lua')

local failures = {}
local function client_of(b)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get({ bufnr = b, name = 'asl_lsp' })[1]
end
local function check(ok, what)
  io.stdout:write((ok and 'ok   ' or 'FAIL ') .. what .. '\n')
  if not ok then
    table.insert(failures, what)
  end
end

local server = os.getenv('ASL_LSP') or 'asl-lsp'
require('asl').setup({ cmd = { server } })

local dir = vim.fn.tempname()
vim.fn.mkdir(dir, 'p')
local path = dir .. '/approval.asl.json'
-- A callback wait whose Next is misspelt: an error until it is fixed (the VS Code test's too),
-- copied so that the test's edits stay in its own directory.
vim.fn.writefile(vim.fn.readfile(root .. '/../fixtures/approval.asl.json'), path)
vim.cmd('edit ' .. path)
local buf = vim.api.nvim_get_current_buf()
check(vim.bo[buf].filetype == 'asl', 'filetype of *.asl.json is asl (' .. vim.bo[buf].filetype .. ')')

local function diagnostics_with(predicate, what)
  local found = vim.wait(15000, function()
    return predicate(vim.diagnostic.get(buf))
  end, 50)
  check(found, what)
end
local function has_code(list, code, severity)
  for _, d in ipairs(list) do
    local c = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if c == code and (severity == nil or d.severity == severity) then
      return true
    end
  end
  return false
end

diagnostics_with(function(list)
  return has_code(list, 'unknown-state', vim.diagnostic.severity.ERROR)
end, 'an error diagnostic on the misspelt Next')

-- Completion inside "Next": "...": the state names.
local next_line = 8 -- 0-based line of "Next"
local line = vim.api.nvim_buf_get_lines(buf, next_line, next_line + 1, false)[1]
local column = line:find('"Doen"') -- the 1-based column of the opening quote
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = next_line, character = column },
}
local answers = vim.lsp.buf_request_sync(buf, 'textDocument/completion', params, 10000) or {}
local labels = {}
for _, answer in pairs(answers) do
  local items = answer.result and (answer.result.items or answer.result) or {}
  for _, item in ipairs(items) do
    labels[item.label] = true
  end
end
check(labels['Done'] and labels['Ask'], 'completion after "Next": " lists the state names')

-- Hover on HeartbeatSeconds: its documentation.
local hb_line = 7
local hb = vim.api.nvim_buf_get_lines(buf, hb_line, hb_line + 1, false)[1]
local hover_params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = hb_line, character = hb:find('HeartbeatSeconds') + 2 },
}
local hovers = vim.lsp.buf_request_sync(buf, 'textDocument/hover', hover_params, 10000) or {}
local hover_text = ''
for _, answer in pairs(hovers) do
  if answer.result and answer.result.contents then
    hover_text = hover_text .. (answer.result.contents.value or vim.inspect(answer.result.contents))
  end
end
check(hover_text:find('heartbeat', 1, true) ~= nil, 'hover on HeartbeatSeconds shows its documentation')

-- Completion as a user accepts it: Neovim's own LSP completion (as its docs set it up on
-- LspAttach), asked for with <C-x><C-o> in insert mode, an item chosen with <C-n> and accepted
-- with <C-y>; the buffer then holds what the user gets (the snippet expanded, quotes unbroken).
vim.o.completeopt = 'menuone,noselect,popup'
vim.lsp.completion.enable(true, client_of(buf).id, buf)

-- Enter insert mode with `keys` (`i`, `a`, `A`) at the 1-based row and 0-based column, ask for
-- completion, pick the item labelled `label` and accept it. Returns the labels offered.
local function accept_completion(row, col, keys, label)
  vim.api.nvim_win_set_cursor(0, { row, col })
  local offered = {}
  local waited = 0
  -- Timers run while Neovim waits for keys in insert mode (feedkeys 'x!' below): once the menu
  -- shows, they type the keys that choose and accept; after 10 s without one, they give up.
  vim.fn.timer_start(50, function(timer)
    waited = waited + 50
    if vim.fn.pumvisible() == 1 then
      vim.fn.timer_stop(timer)
      local info = vim.fn.complete_info({ 'items', 'selected' })
      local wanted
      for i, item in ipairs(info.items) do
        table.insert(offered, item.abbr ~= '' and item.abbr or item.word)
        if wanted == nil and (item.abbr == label or item.word == label) then
          wanted = i - 1
        end
      end
      local moves = wanted and string.rep('<C-n>', wanted - info.selected) or ''
      vim.api.nvim_feedkeys(vim.keycode(moves .. (wanted and '<C-y>' or '<C-e>') .. '<Esc>'), 'n', false)
    elseif waited > 10000 then
      vim.fn.timer_stop(timer)
      vim.api.nvim_feedkeys(vim.keycode('<Esc>'), 'n', false)
    end
  end, { ['repeat'] = -1 })
  vim.api.nvim_feedkeys(vim.keycode(keys .. '<C-x><C-o>'), 'nx!', false)
  -- A snippet's placeholders are left in select mode; the test goes on in normal mode.
  if vim.snippet and vim.snippet.active() then
    vim.snippet.stop()
  end
  vim.cmd('stopinsert')
  return offered
end
local function line_of(row)
  return vim.api.nvim_buf_get_lines(buf, row - 1, row, false)[1]
end

-- Fix the typo by completion: the misspelt name cleared, `Done` chosen between the quotes.
vim.api.nvim_buf_set_lines(buf, next_line, next_line + 1, false, { '      "Next": ""' })
local offered = accept_completion(next_line + 1, #'      "Next": "', 'i', 'Done')
check(
  line_of(next_line + 1) == '      "Next": "Done"',
  'accepting `Done` in "Next": "" writes "Next": "Done" (' .. line_of(next_line + 1) .. '; offered ' .. table.concat(offered, ', ') .. ')'
)
if line_of(next_line + 1) ~= '      "Next": "Done"' then
  vim.api.nvim_buf_set_lines(buf, next_line, next_line + 1, false, { (line:gsub('Doen', 'Done')) })
end

-- The error clears and the simulation's diagnostic appears on the callback task.
diagnostics_with(function(list)
  return not has_code(list, 'unknown-state') and has_code(list, 'simulation')
end, 'fixing the error clears it and the simulation diagnostic appears')
local on_task = false
for _, d in ipairs(vim.diagnostic.get(buf)) do
  if d.message:find('heartbeat', 1, true) or d.message:find('HeartbeatSeconds', 1, true) then
    on_task = on_task or d.lnum == 3
  end
end
check(on_task, 'the simulation says on the .waitForTaskToken task (line 4) how its wait ends')

-- :AslHistory opens the simulated timeline.
vim.cmd('AslHistory')
local shown = vim.wait(10000, function()
  return vim.api.nvim_buf_get_name(0):find('asl%-history://') ~= nil
end, 50)
local history = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
check(shown and history:find('TaskStateEntered', 1, true) ~= nil, ':AslHistory shows the timeline')

-- :AslGraph writes the SVG and hands it to the viewer (here, a stub that records the path).
local opened
vim.cmd('wincmd p')
require('asl').graph_command(function(p)
  opened = p
  return true
end)
vim.wait(10000, function()
  return opened ~= nil
end, 50)
local svg = opened and table.concat(vim.fn.readfile(opened), '\n') or ''
check(svg:find('<svg', 1, true) ~= nil and svg:find('Ask', 1, true) ~= nil, ':AslGraph writes the graph as SVG')

-- Messages, recorded.
local notified = {}
local notify = vim.notify
vim.notify = function(message, level)
  table.insert(notified, { message = message, level = level })
end
local function last_notified()
  return notified[#notified] or { message = '' }
end

-- No viewer: it says so, and where the SVG is.
opened = nil
require('asl').graph_command(function()
  return nil, 'no handler found'
end)
vim.wait(10000, function()
  return last_notified().message:find('no viewer', 1, true) ~= nil
end, 50)
check(
  last_notified().message:find('no viewer opens it (no handler found)', 1, true) ~= nil
    and last_notified().level == vim.log.levels.WARN,
  ':AslGraph without a viewer says so (' .. last_notified().message .. ')'
)

-- A definition with several test cases: :AslGraph asks which to draw and names it.
local example = root .. '/../../examples/order-fulfilment'
vim.fn.writefile(vim.fn.readfile(example .. '.asl.json'), dir .. '/order-fulfilment.asl.json')
vim.fn.writefile(vim.fn.readfile(example .. '.mocks.json'), dir .. '/order-fulfilment.mocks.json')
vim.cmd('edit ' .. dir .. '/order-fulfilment.asl.json')
vim.wait(15000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)
local offered
local select = vim.ui.select
vim.ui.select = function(items, _, choose)
  offered = items
  choose(items[2])
end
opened = nil
require('asl').graph_command(function(p)
  opened = p
  return true
end)
vim.wait(10000, function()
  return opened ~= nil
end, 50)
vim.ui.select = select
check(offered ~= nil and #offered == 3, ':AslGraph offers each test case (' .. table.concat(offered or {}, ', ') .. ')')
local chosen = offered and offered[2] or '?'
check(
  opened ~= nil and last_notified().message:find('graph of test case ' .. chosen, 1, true) ~= nil,
  ':AslGraph names the test case it drew (' .. last_notified().message .. ')'
)
vim.notify = notify

-- A SAM template (a yaml buffer): the client attaches because it holds a state machine, and
-- the diagnostic is at its place in the template; a plain yaml buffer gets no client.
local plain = dir .. '/config.yaml'
vim.fn.writefile({ 'name: service', 'replicas: 3' }, plain)
vim.cmd('edit ' .. plain)
local plain_buf = vim.api.nvim_get_current_buf()
local template = dir .. '/template.yaml'
vim.fn.writefile(vim.fn.readfile(root .. '/../../simulator/tests/templates/sam-inline.yaml'), template)
vim.cmd('edit ' .. template)
buf = vim.api.nvim_get_current_buf()
check(vim.bo[buf].filetype == 'yaml', 'a SAM template is a yaml buffer (' .. vim.bo[buf].filetype .. ')')
diagnostics_with(function(list)
  for _, d in ipairs(list) do
    if d.lnum == 41 and d.col == 10 and has_code({ d }, 'unreachable-state') then
      return true
    end
  end
  return false
end, 'the SAM template gets unreachable-state on `Audit:` (line 42, column 11)')
check(client_of(plain_buf) == nil, 'no client on a plain yaml buffer')

-- A SAM template whose definition is a file of its own (DefinitionUri): the template says
-- where it names the file that the file has an error, and the file, opened, is checked as the
-- template makes it (`${ResizeArn}` substituted, `${StoreArn}` no key of its substitutions).
local sam = dir .. '/sam'
vim.fn.mkdir(sam .. '/statemachine', 'p')
local fixtures = root .. '/../../simulator/tests/templates/'
vim.fn.writefile(vim.fn.readfile(fixtures .. 'sam-uri.yaml'), sam .. '/template.yaml')
local images = sam .. '/statemachine/images.asl.json'
vim.fn.writefile(vim.fn.readfile(fixtures .. 'statemachine/images.asl.json'), images)
vim.cmd('edit ' .. sam .. '/template.yaml')
buf = vim.api.nvim_get_current_buf()
local function one_at(list, lnum, col, code)
  for _, d in ipairs(list) do
    if d.lnum == lnum and d.col == col and has_code({ d }, code, vim.diagnostic.severity.ERROR) then
      return true
    end
  end
  return false
end
diagnostics_with(function(list)
  return one_at(list, 8, 21, 'definition-file')
end, 'the SAM template flags `statemachine/images.asl.json` (line 9, column 22): the file has an error')
vim.cmd('edit ' .. images)
buf = vim.api.nvim_get_current_buf()
diagnostics_with(function(list)
  local errors = vim.tbl_filter(function(d)
    return d.severity == vim.diagnostic.severity.ERROR
  end, list)
  return #errors == 1 and one_at(list, 10, 19, 'missing-substitution')
end, 'the DefinitionUri file: missing-substitution on `${StoreArn}` (line 11, column 20) only')

vim.fn.delete(dir, 'rf')
if #failures > 0 then
  io.stderr:write(#failures == 1 and '1 check failed\n' or (#failures .. ' checks failed\n'))
  vim.cmd('cquit 1')
else
  io.stdout:write('all Neovim checks passed\n')
  vim.cmd('qall!')
end

-- Filetypes and commands; the language server starts after require('asl').setup().
if vim.g.loaded_asl then
  return
end
vim.g.loaded_asl = true

vim.filetype.add({
  pattern = {
    ['.*%.asl%.json'] = 'asl',
    ['.*%.asl%.ya?ml'] = 'asl-yaml',
  },
})

vim.api.nvim_create_user_command('AslSimulate', function()
  require('asl').simulate_command()
end, { desc = 'Simulate the current state machine (asl.simulate)' })

vim.api.nvim_create_user_command('AslHistory', function()
  require('asl').history_command()
end, { desc = 'Show the simulated execution history as a timeline' })

vim.api.nvim_create_user_command('AslGraph', function(args)
  require('asl').graph_command(nil, args.args ~= '' and args.args or nil)
end, {
  nargs = '?',
  desc = 'Draw the state machine and a test case\'s simulated path (SVG, in the system viewer)',
})

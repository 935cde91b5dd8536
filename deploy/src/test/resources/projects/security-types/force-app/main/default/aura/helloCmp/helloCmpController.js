({
    init: function (component) {}
})
